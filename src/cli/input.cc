#include "cli/input.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include <fmt/format.h>

#include "json/parser.h"

namespace podgate::cli {
namespace {

// Closes a file descriptor on scope exit (except standard input).
class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() {
    if (fd_ > 0) ::close(fd_);
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }

 private:
  int fd_;
};

int OpenInput(const std::string& input) {
  if (input == "-") return 0;
  return ::open(input.c_str(), O_RDONLY | O_CLOEXEC);
}

// read(2) until `size` bytes or end of input; returns bytes read or -1.
ssize_t ReadFull(int fd, char* data, std::size_t size) {
  std::size_t done = 0;
  while (done < size) {
    ssize_t n = ::read(fd, data + done, size - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      return -1;
    }
    if (n == 0) break;
    done += static_cast<std::size_t>(n);
  }
  return static_cast<ssize_t>(done);
}

Status IoError(const std::string& input, int err) {
  return Status(Code::kIoError, fmt::format("{}: {}", input, std::strerror(err)));
}

}  // namespace

std::string InputDocument::Name() const {
  return line == 0 ? std::string(input) : fmt::format("{}:{}", input, line);
}

Status InputReader::ReadAll(const std::vector<std::string>& inputs, bool ndjson,
                            const DocumentSink& sink, const ErrorSink& on_error) {
  Status first_error;
  for (const auto& input : inputs) {
    Status status = ndjson ? ReadLines(input, sink) : ReadWhole(input, sink);
    if (status.ok()) continue;
    if (on_error) on_error(input, status);
    if (first_error.ok()) first_error = status;
  }
  return first_error;
}

Status InputReader::ReadWhole(const std::string& input, const DocumentSink& sink) {
  Fd fd(OpenInput(input));
  if (fd.get() < 0) return IoError(input, errno);
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) return IoError(input, errno);
  if (S_ISDIR(st.st_mode)) return IoError(input, EISDIR);

  InputDocument doc;
  doc.input = input;
  if (input != "-") doc.kind_from_name = KindFromFileName(input);
  if (S_ISREG(st.st_mode) && static_cast<std::size_t>(st.st_size) > max_bytes_) {
    doc.oversized = static_cast<std::size_t>(st.st_size);
    sink(doc);
    return Status::Ok();
  }
  // Read at most one byte past the limit: enough to know the input is oversized.
  buffer_.resize(max_bytes_ + 1 + json::kPadding);
  ssize_t n = ReadFull(fd.get(), buffer_.data(), max_bytes_ + 1);
  if (n < 0) return IoError(input, errno);
  auto size = static_cast<std::size_t>(n);
  if (size > max_bytes_) {
    std::size_t total = size;
    char drain[1 << 16];
    for (ssize_t m; (m = ReadFull(fd.get(), drain, sizeof drain)) > 0;) {
      total += static_cast<std::size_t>(m);
    }
    doc.oversized = total;
    sink(doc);
    return Status::Ok();
  }
  std::memset(buffer_.data() + size, 0, json::kPadding);
  doc.bytes = std::string_view(buffer_.data(), size);
  sink(doc);
  return Status::Ok();
}

void InputReader::EmitLine(const std::string& input, std::size_t line, std::string_view bytes,
                           std::optional<std::size_t> oversized, const DocumentSink& sink) {
  std::string_view trimmed = bytes;
  while (!trimmed.empty() &&
         (trimmed.back() == '\r' || trimmed.back() == ' ' || trimmed.back() == '\t')) {
    trimmed.remove_suffix(1);
  }
  // Blank lines separate nothing and carry no artifact; they still count as lines.
  if (!oversized && trimmed.find_first_not_of(" \t") == std::string_view::npos) return;
  InputDocument doc;
  doc.input = input;
  doc.line = line;
  doc.bytes = oversized ? std::string_view() : bytes;
  doc.oversized = oversized;
  sink(doc);
}

Status InputReader::ReadLinesMapped(const std::string& input, int fd, std::size_t size,
                                    const DocumentSink& sink) {
  void* map = ::mmap(nullptr, size, PROT_READ, MAP_PRIVATE, fd, 0);
  if (map == MAP_FAILED) return IoError(input, errno);
  ::madvise(map, size, MADV_SEQUENTIAL);
  const char* data = static_cast<const char*>(map);
  const auto page = static_cast<std::size_t>(::sysconf(_SC_PAGESIZE));
  // Pages already parsed are dropped every kRelease bytes, so resident memory stays flat.
  constexpr std::size_t kRelease = 32 << 20;
  constexpr std::size_t kPrefetchAhead = 4096;
  std::size_t released = 0;
  std::size_t line = 0;
  for (std::size_t pos = 0; pos < size;) {
    const auto* nl = static_cast<const char*>(std::memchr(data + pos, '\n', size - pos));
    std::size_t length = nl != nullptr ? static_cast<std::size_t>(nl - (data + pos)) : size - pos;
    // The pages of the mapping are scattered in physical memory and the hardware prefetcher
    // stops at page boundaries, so the bytes one page ahead are asked for now, while this line
    // is checked: the reading then rarely waits for memory. (A prefetch never faults; it
    // stays inside the mapping all the same.)
    if (pos + kPrefetchAhead < size) {
      const std::size_t ahead = std::min({length, max_bytes_, size - pos - kPrefetchAhead - 1});
      for (std::size_t k = 0; k <= ahead; k += 64)
        __builtin_prefetch(data + pos + kPrefetchAhead + k);
    }
    if (length > max_bytes_) {
      EmitLine(input, ++line, {}, length, sink);
    } else if (pos + length + json::kPadding <= size) {
      // The parser may read kPadding bytes past the line: they are inside the file.
      EmitLine(input, ++line, std::string_view(data + pos, length), std::nullopt, sink);
    } else {
      // Near the end of the file the padding would run past the mapping: copy.
      buffer_.assign(data + pos, length);
      buffer_.append(json::kPadding, '\0');
      EmitLine(input, ++line, std::string_view(buffer_.data(), length), std::nullopt, sink);
    }
    pos += length + 1;
    if (pos - released >= kRelease && pos < size) {
      std::size_t upto = pos / page * page;
      ::madvise(const_cast<char*>(data) + released, upto - released, MADV_DONTNEED);
      released = upto;
    }
  }
  ::munmap(map, size);
  return Status::Ok();
}

Status InputReader::ReadLines(const std::string& input, const DocumentSink& sink) {
  Fd fd(OpenInput(input));
  if (fd.get() < 0) return IoError(input, errno);
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) return IoError(input, errno);
  if (S_ISDIR(st.st_mode)) return IoError(input, EISDIR);
  if (S_ISREG(st.st_mode) && st.st_size > 0) {
    // A regular file is read in place: no copy through read(2).
    return ReadLinesMapped(input, fd.get(), static_cast<std::size_t>(st.st_size), sink);
  }
  // Chunks of at least 1 MiB, and always room for a whole line of the maximum size.
  const std::size_t chunk = std::max<std::size_t>(1 << 20, 2 * (max_bytes_ + 2));
  buffer_.resize(chunk + json::kPadding);
  char* data = buffer_.data();
  std::size_t begin = 0;  // start of the unconsumed bytes
  std::size_t end = 0;    // end of the bytes read
  std::size_t line = 0;
  std::size_t skipping = 0;  // > 0 while discarding the rest of an oversized line
  bool eof = false;

  auto emit = [&](std::string_view bytes, std::optional<std::size_t> oversized) {
    EmitLine(input, ++line, bytes, oversized, sink);
  };

  while (true) {
    // Hand out every complete line in [begin, end).
    while (begin < end) {
      auto* nl = static_cast<char*>(std::memchr(data + begin, '\n', end - begin));
      if (nl == nullptr) break;
      auto length = static_cast<std::size_t>(nl - (data + begin));
      if (skipping > 0) {
        emit({}, skipping + length);
        skipping = 0;
      } else if (length > max_bytes_) {
        emit({}, length);
      } else {
        // The byte after the line is '\n'; the padding the parser may read beyond it is the
        // following data or the chunk's tail, both inside the buffer.
        emit(std::string_view(data + begin, length), std::nullopt);
      }
      begin += length + 1;
    }
    if (eof) break;
    // Keep the partial line; drop it when it already exceeds the limit.
    std::size_t pending = end - begin;
    if (skipping > 0 || pending > max_bytes_) {
      skipping += pending;
      begin = end = 0;
    } else {
      std::memmove(data, data + begin, pending);
      begin = 0;
      end = pending;
    }
    ssize_t n = ReadFull(fd.get(), data + end, chunk - end);
    if (n < 0) return IoError(input, errno);
    if (n == 0) {
      eof = true;
      if (skipping > 0 || end > begin) {
        // A last line without a newline.
        std::memset(data + end, 0, json::kPadding);
        if (skipping > 0 || end - begin > max_bytes_) {
          emit({}, skipping + (end - begin));
        } else {
          emit(std::string_view(data + begin, end - begin), std::nullopt);
        }
      }
      break;
    }
    end += static_cast<std::size_t>(n);
    std::memset(data + end, 0, std::min(json::kPadding, buffer_.size() - end));
  }
  return Status::Ok();
}

}  // namespace podgate::cli
