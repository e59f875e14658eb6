// Plain HTTP values: header lookup, the notifier, reason phrases and JSON error bodies.

#include "server/http.h"

#include <cctype>

#include "json/writer.h"

namespace podgate::server {
namespace {

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) !=
        std::tolower(static_cast<unsigned char>(b[i]))) {
      return false;
    }
  }
  return true;
}

}  // namespace

std::string_view HttpRequest::Header(std::string_view name) const {
  for (const auto& [key, value] : headers) {
    if (EqualsIgnoreCase(key, name)) return value;
  }
  return {};
}

bool HttpRequest::HasHeader(std::string_view name) const {
  for (const auto& [key, value] : headers) {
    if (EqualsIgnoreCase(key, name)) return true;
  }
  return false;
}

std::uint64_t Notifier::Subscribe(Callback callback) {
  std::lock_guard lock(mu_);
  std::uint64_t id = next_id_++;
  callbacks_.emplace(id, std::move(callback));
  return id;
}

void Notifier::Unsubscribe(std::uint64_t id) {
  std::lock_guard lock(mu_);
  callbacks_.erase(id);
}

void Notifier::Notify() {
  std::lock_guard lock(mu_);
  for (auto& [id, callback] : callbacks_) callback();
}

std::string_view ReasonPhrase(int status) {
  switch (status) {
    case 100:
      return "Continue";
    case 200:
      return "OK";
    case 201:
      return "Created";
    case 204:
      return "No Content";
    case 400:
      return "Bad Request";
    case 401:
      return "Unauthorized";
    case 403:
      return "Forbidden";
    case 404:
      return "Not Found";
    case 405:
      return "Method Not Allowed";
    case 408:
      return "Request Timeout";
    case 409:
      return "Conflict";
    case 411:
      return "Length Required";
    case 413:
      return "Content Too Large";
    case 415:
      return "Unsupported Media Type";
    case 422:
      return "Unprocessable Content";
    case 431:
      return "Request Header Fields Too Large";
    case 500:
      return "Internal Server Error";
    case 501:
      return "Not Implemented";
    case 503:
      return "Service Unavailable";
    default:
      return "Unknown";
  }
}

HttpResponse ErrorResponse(int status, std::string_view code, std::string_view message,
                           const std::vector<ErrorDetail>& errors) {
  HttpResponse response;
  response.status = status;
  response.code = std::string(code);
  json::Writer w(&response.body);
  w.BeginObject().Key("code").String(code).Key("message").String(message).Key("errors");
  w.BeginArray();
  for (const ErrorDetail& e : errors) {
    w.BeginObject()
        .Key("path")
        .String(e.path)
        .Key("keyword")
        .String(e.keyword)
        .Key("message")
        .String(e.message)
        .EndObject();
  }
  w.EndArray().EndObject();
  response.body.push_back('\n');
  return response;
}

}  // namespace podgate::server
