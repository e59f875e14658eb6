// Inputs of the checking commands (validate, verify, admit): files, "-" for standard input,
// or NDJSON streams with one artifact per line. Documents are handed out one at a time,
// followed by json::kPadding readable bytes, so the parser can read them in place. NDJSON from
// a regular file is mapped and parsed in place, its pages released as the reading moves on;
// from a pipe it is read in fixed-size chunks. Either way memory stays flat whatever the size
// of the stream.
//
// Thread safety: an InputReader is used by one thread.

#ifndef PODGATE_CLI_INPUT_H_
#define PODGATE_CLI_INPUT_H_

#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "podgate/artifact.h"
#include "podgate/status.h"

namespace podgate::cli {

struct InputDocument {
  // The input as named on the command line ("path" or "-"), and for NDJSON the line number
  // (from 1; 0 for a whole-file document).
  std::string_view input;
  std::size_t line = 0;
  // The document bytes, followed by json::kPadding readable bytes. Empty when oversized.
  std::string_view bytes;
  // The kind named by the file name suffix, if any (not for NDJSON lines).
  std::optional<Kind> kind_from_name;
  // Set when the document is larger than the limit: its full size, and `bytes` is empty.
  std::optional<std::size_t> oversized;

  // "path", "-", or "path:LINE" for NDJSON. Built on demand: a quiet run over millions of
  // lines never needs it.
  std::string Name() const;
};

using DocumentSink = std::function<void(const InputDocument&)>;
// Told about each input that cannot be read (io-error), when it happens: its name and why.
using ErrorSink = std::function<void(const std::string& input, const Status&)>;

class InputReader {
 public:
  explicit InputReader(std::size_t max_bytes) : max_bytes_(max_bytes) {}

  // Reads each input in order and calls `sink` for each document. Each input that cannot be
  // read is passed to `on_error` (when given) as it happens, and the others are still read;
  // the returned Status is the first such error.
  Status ReadAll(const std::vector<std::string>& inputs, bool ndjson, const DocumentSink& sink,
                 const ErrorSink& on_error = nullptr);

 private:
  Status ReadWhole(const std::string& input, const DocumentSink& sink);
  Status ReadLines(const std::string& input, const DocumentSink& sink);
  Status ReadLinesMapped(const std::string& input, int fd, std::size_t size,
                         const DocumentSink& sink);
  void EmitLine(const std::string& input, std::size_t line, std::string_view bytes,
                std::optional<std::size_t> oversized, const DocumentSink& sink);

  std::size_t max_bytes_;
  std::string buffer_;
};

}  // namespace podgate::cli

#endif  // PODGATE_CLI_INPUT_H_
