// Test helpers for the HTTP server and client tests: a temporary directory, raw blocking
// loopback sockets (to send what a well-behaved client never would) and a listener that accepts
// connections and never answers. Every wait is bounded by poll() timeouts.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace gatehouse::adapters::testing {

class TempDir {
 public:
  TempDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "gatehouse-XXXXXX").string();
    path_ = ::mkdtemp(pattern.data()) != nullptr ? pattern : std::string();
  }
  ~TempDir() {
    std::error_code ec;
    if (!path_.empty()) std::filesystem::remove_all(path_, ec);
  }
  const std::string& path() const { return path_; }
  std::string Sub(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

inline std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Replaces `path` atomically (write + rename), as secret rotation does.
inline void ReplaceFile(const std::string& path, const std::string& content) {
  std::string tmp = path + ".new";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out << content;
  }
  std::filesystem::rename(tmp, path);
}

// A connected blocking TCP socket to 127.0.0.1:port; closes on destruction.
class RawSocket {
 public:
  explicit RawSocket(std::uint16_t port) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
      ::close(fd_);
      fd_ = -1;
    }
  }
  ~RawSocket() {
    if (fd_ >= 0) ::close(fd_);
  }
  RawSocket(const RawSocket&) = delete;
  RawSocket& operator=(const RawSocket&) = delete;

  bool ok() const { return fd_ >= 0; }
  int fd() const { return fd_; }

  bool Send(const std::string& data) {
    std::size_t sent = 0;
    while (sent < data.size()) {
      ssize_t n = ::send(fd_, data.data() + sent, data.size() - sent, MSG_NOSIGNAL);
      if (n <= 0) return false;
      sent += static_cast<std::size_t>(n);
    }
    return true;
  }

  // Reads what arrives within `timeout`; stops early at EOF. Returns the bytes read and sets
  // `eof` when the peer closed.
  std::string ReadFor(std::chrono::milliseconds timeout, bool* eof = nullptr,
                      std::size_t stop_after = SIZE_MAX) {
    std::string out;
    auto deadline = std::chrono::steady_clock::now() + timeout;
    if (eof != nullptr) *eof = false;
    while (out.size() < stop_after) {
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0) break;
      pollfd p{fd_, POLLIN, 0};
      if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) break;
      char buffer[16384];
      ssize_t n = ::recv(fd_, buffer, sizeof(buffer), 0);
      if (n <= 0) {
        if (eof != nullptr) *eof = true;
        break;
      }
      out.append(buffer, static_cast<std::size_t>(n));
    }
    return out;
  }

  // Reads one response with a Content-Length body (what HttpServer always sends).
  std::string ReadResponse(std::chrono::milliseconds timeout = std::chrono::seconds(5)) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
      std::size_t end = pending_.find("\r\n\r\n");
      if (end != std::string::npos) {
        std::size_t length = 0;
        std::size_t cl = pending_.find("Content-Length: ");
        if (cl != std::string::npos && cl < end) {
          length = std::strtoul(pending_.c_str() + cl + 16, nullptr, 10);
        }
        if (pending_.size() >= end + 4 + length) {
          std::string response = pending_.substr(0, end + 4 + length);
          pending_.erase(0, end + 4 + length);
          return response;
        }
      }
      bool eof = false;
      std::string more = ReadFor(std::chrono::milliseconds(100), &eof, 1);
      pending_ += more;
      if (eof && more.empty()) break;
    }
    std::string partial = pending_;
    pending_.clear();
    return partial;
  }

 private:
  int fd_ = -1;
  std::string pending_;
};

// Listens on 127.0.0.1 with an ephemeral port; the kernel completes TCP handshakes into the
// backlog, and nobody ever reads or writes: a server that never answers.
class SilentListener {
 public:
  SilentListener() {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr));
    ::listen(fd_, 16);
    socklen_t len = sizeof(addr);
    ::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
  }
  ~SilentListener() { ::close(fd_); }
  std::uint16_t port() const { return port_; }
  int fd() const { return fd_; }

 private:
  int fd_ = -1;
  std::uint16_t port_ = 0;
};

// A port that was free a moment ago and now has no listener: connecting is refused.
inline std::uint16_t ClosedPort() {
  SilentListener listener;
  return listener.port();
}

}  // namespace gatehouse::adapters::testing
