#include "cli/reporter.h"

#include <fmt/format.h>

#include "json/writer.h"

namespace podgate::cli {
namespace {
constexpr std::size_t kFlushAt = 1 << 16;
}  // namespace

Reporter::Reporter(Format format, bool quiet, std::string_view pass_word,
                   std::string_view fail_word, std::FILE* out, std::string_view duplicate_word)
    : format_(format),
      quiet_(quiet),
      pass_word_(pass_word),
      fail_word_(fail_word),
      duplicate_word_(duplicate_word),
      out_(out) {}

Reporter::~Reporter() { Flush(); }

void Reporter::Emit(std::string_view input, const Report& report, std::string_view verdict,
                    std::string_view receipt) {
  if (report.ok()) {
    ++passed_;
    if (!duplicate_word_.empty() && verdict == duplicate_word_) ++duplicates_;
  } else {
    ++failed_;
  }
  if (quiet_) return;
  if (verdict.empty()) verdict = report.ok() ? pass_word_ : fail_word_;
  if (format_ == Format::kJson) {
    EmitJson(input, report, verdict, receipt);
  } else {
    EmitText(input, report, verdict);
  }
  if (buffer_.size() >= kFlushAt) Flush();
}

void Reporter::EmitText(std::string_view input, const Report& report, std::string_view verdict) {
  buffer_.append(input);
  buffer_.append(": ");
  buffer_.append(verdict);
  if (!report.ok()) fmt::format_to(std::back_inserter(buffer_), " ({})", CodeName(report.code));
  if (report.kind) {
    buffer_.push_back(' ');
    buffer_.append(KindName(*report.kind));
  }
  if (!report.id.empty()) {
    buffer_.push_back(' ');
    buffer_.append(report.id);
  }
  buffer_.push_back('\n');
  for (const auto& error : report.errors) {
    buffer_.append("  ");
    if (error.offset) {
      fmt::format_to(std::back_inserter(buffer_), "at byte {}: ", *error.offset);
    } else {
      buffer_.append(error.path.empty() ? "(document)" : error.path);
      buffer_.append(": ");
    }
    buffer_.append(error.message);
    buffer_.push_back('\n');
  }
}

void Reporter::EmitJson(std::string_view input, const Report& report, std::string_view verdict,
                        std::string_view receipt) {
  json::Writer w(&buffer_);
  w.BeginObject().Key("input").String(input).Key("kind");
  if (report.kind) {
    w.String(KindName(*report.kind));
  } else {
    w.Null();
  }
  w.Key("id");
  if (!report.id.empty()) {
    w.String(report.id);
  } else {
    w.Null();
  }
  w.Key("verdict").String(verdict).Key("code");
  if (report.ok()) {
    w.Null();
  } else {
    w.String(CodeName(report.code));
  }
  w.Key("errors").BeginArray();
  for (const auto& error : report.errors) {
    w.BeginObject()
        .Key("path")
        .String(error.path)
        .Key("keyword")
        .String(error.keyword)
        .Key("message")
        .String(error.message);
    if (error.offset) w.Key("offset").UInt(*error.offset);
    w.EndObject();
  }
  w.EndArray();
  if (!receipt.empty()) w.Key("receipt").Raw(receipt);
  w.EndObject();
  buffer_.push_back('\n');
}

void Reporter::InputError(std::string_view input, std::string_view message) {
  ++io_errors_;
  if (format_ == Format::kJson && !quiet_) {
    Report report;
    report.code = Code::kIoError;
    report.errors.push_back(Violation{"", "io", std::string(message), std::nullopt});
    EmitJson(input, report, fail_word_, {});
  }
  Flush();
  fmt::print(stderr, "podgate: {}\n", message);
}

void Reporter::Flush() {
  if (!buffer_.empty()) {
    std::fwrite(buffer_.data(), 1, buffer_.size(), out_);
    buffer_.clear();
  }
  std::fflush(out_);
}

int Reporter::Finish() {
  Flush();
  std::string duplicates =
      duplicate_word_.empty() ? "" : fmt::format(", {} {}", duplicates_, duplicate_word_);
  std::string unreadable = io_errors_ == 0 ? "" : fmt::format(", {} unreadable", io_errors_);
  const std::size_t inputs = passed_ + failed_ + io_errors_;
  std::string line =
      fmt::format("{} input{}: {} {}{}, {} {}{}\n", inputs, inputs == 1 ? "" : "s",
                  passed_ - duplicates_, pass_word_, duplicates, failed_, fail_word_, unreadable);
  std::fputs(line.c_str(), format_ == Format::kJson ? stderr : out_);
  std::fflush(out_);
  if (io_errors_ > 0) return 2;
  return failed_ > 0 ? 1 : 0;
}

}  // namespace podgate::cli
