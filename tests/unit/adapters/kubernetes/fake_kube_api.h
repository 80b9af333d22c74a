// Test helper: a fake Kubernetes API server on 127.0.0.1 (ephemeral port) that answers each
// connection with the next scripted answer — captured ones from tests/data/kube-apiserver-1.26/
// api (status, headers, body; for watches the captured chunks, in order, as real HTTP chunks) —
// and records each request target. When the script runs out it answers 200 chunked and then
// stays silent (a watch with nothing to say) until the client closes or the server stops.
// An answer can be held (before it starts, or after some chunks) until Release(). Every wait is
// bounded by poll() timeouts; the server thread is joined on destruction.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "common/result.h"
#include "value/json.h"
#include "value/value.h"

namespace gatehouse::adapters::testing {

struct FakeAnswer {
  int status = 200;
  std::string reason = "OK";
  std::vector<std::pair<std::string, std::string>> headers;  // without framing headers
  std::optional<std::string> body;                           // Content-Length body
  std::vector<std::string> chunks;                           // else: a chunked body
  std::optional<std::size_t> hold_after_chunks;  // wait for Release() after this many chunks
  bool silent_end = false;             // after the chunks, stay open without the last chunk
  bool first_chunk_with_head = false;  // one write: headers and the first chunk
};

// One captured exchange of a file in tests/data/kube-apiserver-1.26/api.
struct CapturedExchange {
  std::string path;  // request path with query
  FakeAnswer answer;
};

inline std::vector<CapturedExchange> LoadCapturedExchanges(const std::string& file) {
  const auto path =
      std::filesystem::path(GATEHOUSE_TEST_DATA_DIR) / "kube-apiserver-1.26" / "api" / file;
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  Result<value::Value> doc = value::ParseJson(text.str());
  std::vector<CapturedExchange> out;
  if (!doc) return out;
  for (const value::Value& exchange : *doc->Find("exchanges")->AsArray()) {
    CapturedExchange captured;
    const value::Value* request = exchange.Find("request");
    if (request == nullptr) {  // an out-of-band action
      out.push_back(captured);
      continue;
    }
    captured.path = *request->Find("path")->AsString();
    const value::Value& response = *exchange.Find("response");
    captured.answer.status = static_cast<int>(*response.Find("status")->AsInt());
    captured.answer.reason = *response.Find("reason")->AsString();
    for (const value::Member& header : *response.Find("headers")->AsObject()) {
      if (header.key == "Content-Length" || header.key == "Transfer-Encoding") continue;
      if (header.value.AsString()) {
        captured.answer.headers.emplace_back(header.key, *header.value.AsString());
      }
    }
    if (const value::Value* chunks = response.Find("chunks")) {
      for (const value::Value& chunk : *chunks->AsArray()) {
        captured.answer.chunks.push_back(*chunk.Find("data")->AsString());
      }
    } else if (const value::Value* body = response.Find("body")) {
      captured.answer.body = value::ToJson(*body) + "\n";  // the server's compact line
    } else if (const value::Value* body_text = response.Find("bodyText")) {
      captured.answer.body = *body_text->AsString();
    }
    out.push_back(std::move(captured));
  }
  return out;
}

class FakeKubeApi {
 public:
  explicit FakeKubeApi(std::vector<FakeAnswer> script) : script_(script.begin(), script.end()) {
    listen_fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr));
    ::listen(listen_fd_, 16);
    socklen_t len = sizeof(addr);
    ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
    thread_ = std::thread([this] { Serve(); });
  }
  ~FakeKubeApi() {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      stopping_ = true;
    }
    changed_.notify_all();
    thread_.join();
    ::close(listen_fd_);
  }

  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  std::vector<std::string> requests() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return requests_;
  }
  // Waits (bounded) until `n` requests arrived; returns whether they did.
  bool WaitForRequests(std::size_t n, std::chrono::milliseconds timeout = std::chrono::seconds(5)) {
    std::unique_lock<std::mutex> lock(mutex_);
    return changed_.wait_for(lock, timeout, [&] { return requests_.size() >= n; });
  }
  void Release() {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      released_ = true;
    }
    changed_.notify_all();
  }

 private:
  bool Stopping() {
    std::lock_guard<std::mutex> lock(mutex_);
    return stopping_;
  }

  void Serve() {
    while (!Stopping()) {
      pollfd p{listen_fd_, POLLIN, 0};
      if (::poll(&p, 1, 20) <= 0) continue;
      const int fd = ::accept(listen_fd_, nullptr, nullptr);
      if (fd < 0) continue;
      Answer(fd);
      ::close(fd);
    }
  }

  // Reads the request head (GET only); returns the target, "" when the client went away.
  std::string ReadTarget(int fd) {
    std::string head;
    while (head.find("\r\n\r\n") == std::string::npos && !Stopping()) {
      pollfd p{fd, POLLIN, 0};
      if (::poll(&p, 1, 20) <= 0) continue;
      char buffer[4096];
      const ssize_t n = ::recv(fd, buffer, sizeof(buffer), 0);
      if (n <= 0) return "";
      head.append(buffer, static_cast<std::size_t>(n));
    }
    const std::size_t space = head.find(' ');
    const std::size_t end = head.find(' ', space + 1);
    return space == std::string::npos ? "" : head.substr(space + 1, end - space - 1);
  }

  bool Send(int fd, const std::string& data) {
    std::size_t sent = 0;
    while (sent < data.size()) {
      const ssize_t n = ::send(fd, data.data() + sent, data.size() - sent, MSG_NOSIGNAL);
      if (n <= 0) return false;
      sent += static_cast<std::size_t>(n);
    }
    return true;
  }

  // Waits until Release(), the client closes or the server stops.
  void Hold(int fd, bool until_release) {
    std::unique_lock<std::mutex> lock(mutex_);
    while (!stopping_ && !(until_release && released_)) {
      lock.unlock();
      pollfd p{fd, POLLIN, 0};
      if (::poll(&p, 1, 20) > 0) {
        char buffer[256];
        if (::recv(fd, buffer, sizeof(buffer), MSG_DONTWAIT) <= 0) return;  // client closed
      }
      lock.lock();
    }
    if (until_release) released_ = false;
  }

  void Answer(int fd) {
    const std::string target = ReadTarget(fd);
    if (target.empty()) return;
    FakeAnswer answer;
    answer.silent_end = true;
    answer.headers = {{"Content-Type", "application/json"}};
    {
      std::lock_guard<std::mutex> lock(mutex_);
      requests_.push_back(target);
      if (!script_.empty()) {
        answer = std::move(script_.front());
        script_.pop_front();
      }
    }
    changed_.notify_all();
    std::string head = "HTTP/1.1 " + std::to_string(answer.status) + " " + answer.reason + "\r\n";
    for (const auto& [name, v] : answer.headers) head += name + ": " + v + "\r\n";
    if (answer.body) {
      head += "Content-Length: " + std::to_string(answer.body->size()) + "\r\n\r\n";
      Send(fd, head + *answer.body);
      return;
    }
    head += "Transfer-Encoding: chunked\r\n\r\n";
    for (std::size_t i = 0; i < answer.chunks.size(); ++i) {
      if (answer.hold_after_chunks && *answer.hold_after_chunks == i) Hold(fd, true);
      std::ostringstream size;
      size << std::hex << answer.chunks[i].size();
      std::string chunk = size.str() + "\r\n" + answer.chunks[i] + "\r\n";
      if (i == 0 && answer.first_chunk_with_head) chunk = std::move(head) + chunk;
      if (!head.empty() && !Send(fd, head)) return;
      head.clear();
      if (!Send(fd, chunk)) return;
    }
    if (!head.empty() && !Send(fd, head)) return;
    if (answer.hold_after_chunks && *answer.hold_after_chunks == answer.chunks.size()) {
      Hold(fd, true);
    }
    if (answer.silent_end) {
      Hold(fd, false);
      return;
    }
    Send(fd, "0\r\n\r\n");
  }

  int listen_fd_ = -1;
  std::uint16_t port_ = 0;
  mutable std::mutex mutex_;
  std::condition_variable changed_;
  std::deque<FakeAnswer> script_;
  std::vector<std::string> requests_;
  bool stopping_ = false;
  bool released_ = false;
  std::thread thread_;
};

}  // namespace gatehouse::adapters::testing
