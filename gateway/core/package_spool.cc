#include "gateway/core/package_spool.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/evp.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <limits>
#include <stdexcept>
#include <system_error>
#include <vector>

namespace lwm2m::gateway {
namespace {

namespace fs = std::filesystem;

constexpr std::string_view kSuffix = ".bin";
constexpr std::string_view kUploadPrefix = ".upload-";

std::string errnoText() { return std::strerror(errno); }

std::string hex(const unsigned char* bytes, unsigned length) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(length * 2);
  for (unsigned i = 0; i < length; ++i) {
    out += kDigits[bytes[i] >> 4];
    out += kDigits[bytes[i] & 0xf];
  }
  return out;
}

// Closes a file descriptor when it goes.
class Descriptor {
 public:
  explicit Descriptor(int fd = -1) : fd_(fd) {}
  ~Descriptor() { reset(); }
  Descriptor(const Descriptor&) = delete;
  Descriptor& operator=(const Descriptor&) = delete;
  int get() const { return fd_; }
  void reset() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }

 private:
  int fd_;
};

void syncDirectory(const fs::path& dir) {
  Descriptor d(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (d.get() >= 0) ::fsync(d.get());
}

class FileReader : public operations::PackageReader {
 public:
  FileReader(int fd, std::uint64_t size) : fd_(fd), size_(size) {}
  std::uint64_t size() const override { return size_; }
  bool read(std::uint64_t offset, std::span<std::uint8_t> out) override {
    if (offset > size_ || out.size() > size_ - offset) return false;
    std::size_t done = 0;
    while (done < out.size()) {
      const ssize_t n = ::pread(fd_.get(), out.data() + done, out.size() - done, static_cast<off_t>(offset + done));
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) return false;
      done += static_cast<std::size_t>(n);
    }
    return true;
  }

 private:
  Descriptor fd_;
  std::uint64_t size_;
};

class SpoolUpload : public api::PackageUpload {
 public:
  // `room`: see PackageSpool::setRoom; `budget`: what it allowed at the start.
  SpoolUpload(const PackageSpool& spool, fs::path temp, int fd, PackageSpool::Room room, std::uint64_t budget)
      : spool_(spool), temp_(std::move(temp)), fd_(fd), hash_(EVP_MD_CTX_new()), room_(std::move(room)),
        budget_(budget) {
    EVP_DigestInit_ex(hash_, EVP_sha256(), nullptr);
  }
  ~SpoolUpload() override {
    EVP_MD_CTX_free(hash_);
    if (!finished_) {
      fd_.reset();
      std::error_code ignored;
      fs::remove(temp_, ignored);
    }
  }

  Result<void> write(std::span<const std::uint8_t> bytes) override {
    if (finished_) return fail("the package is already stored");
    if (auto fits = admit(bytes.size()); !fits) return fits;
    EVP_DigestUpdate(hash_, bytes.data(), bytes.size());
    std::size_t done = 0;
    while (done < bytes.size()) {
      const ssize_t n = ::write(fd_.get(), bytes.data() + done, bytes.size() - done);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) return fail(ErrorCode::StoreFailed, "cannot write " + temp_.string() + ": " + errnoText());
      done += static_cast<std::size_t>(n);
    }
    written_ += bytes.size();
    return {};
  }

  Result<api::PackageInfo> finish() override {
    if (finished_) return fail("the package is already stored");
    std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
    unsigned length = 0;
    EVP_DigestFinal_ex(hash_, digest.data(), &length);
    api::PackageInfo info{hex(digest.data(), length), written_};
    if (::fsync(fd_.get()) != 0) return fail(ErrorCode::StoreFailed, "cannot sync " + temp_.string() + ": " + errnoText());
    fd_.reset();
    const fs::path target = spool_.directory() / (info.sha256 + std::string(kSuffix));
    std::error_code ec;
    if (fs::exists(target, ec)) {
      fs::remove(temp_, ec);
      spool_.touch(info.sha256);
    } else {
      fs::rename(temp_, target, ec);
      if (ec) return fail(ErrorCode::StoreFailed, "cannot store " + target.string() + ": " + ec.message());
      syncDirectory(spool_.directory());
    }
    finished_ = true;
    return info;
  }

  std::uint64_t written() const override { return written_; }

  Result<void> expectSize(std::uint64_t size) const override {
    return size < written_ ? Result<void>{} : admit(size - written_);
  }

 private:
  // Whether `more` bytes may follow those written.
  Result<void> admit(std::uint64_t more) const {
    if (more > spool_.maxSize() - written_) {
      return fail("package larger than " + std::to_string(spool_.maxSize()) + " bytes (firmware.max_size)");
    }
    if (!room_) return {};
    if (auto room = room_(); !room) return room.error();
    if (more > budget_ - written_) {
      return fail(ErrorCode::StorageFull, "storage full: the package would take more than the " +
                                              std::to_string(budget_) +
                                              " bytes free above the storage reserve (storage.reserve_kb)");
    }
    return {};
  }

  const PackageSpool& spool_;
  fs::path temp_;
  Descriptor fd_;
  EVP_MD_CTX* hash_;
  PackageSpool::Room room_;
  std::uint64_t budget_;
  std::uint64_t written_ = 0;
  bool finished_ = false;
};

}  // namespace

PackageSpool::PackageSpool(fs::path dir, std::uint64_t maxSize) : dir_(std::move(dir)), maxSize_(maxSize) {
  std::error_code ec;
  fs::create_directories(dir_, ec);
  if (ec) throw std::runtime_error("firmware package directory " + dir_.string() + ": " + ec.message());
  for (const auto& entry : fs::directory_iterator(dir_, ec)) {
    if (entry.path().filename().string().rfind(kUploadPrefix, 0) == 0) fs::remove(entry.path(), ec);
  }
  if (::access(dir_.c_str(), W_OK) != 0) {
    throw std::runtime_error("firmware package directory " + dir_.string() + ": " + errnoText());
  }
}

std::optional<fs::path> PackageSpool::file(std::string_view sha256) const {
  if (!operations::isSha256Name(sha256)) return std::nullopt;
  fs::path path = dir_ / (std::string(sha256) + std::string(kSuffix));
  std::error_code ec;
  if (!fs::is_regular_file(path, ec)) return std::nullopt;
  return path;
}

std::optional<api::PackageInfo> PackageSpool::find(std::string_view sha256) const {
  auto path = file(sha256);
  if (!path) return std::nullopt;
  std::error_code ec;
  const auto size = fs::file_size(*path, ec);
  if (ec) return std::nullopt;
  return api::PackageInfo{std::string(sha256), size};
}

Result<std::unique_ptr<operations::PackageReader>> PackageSpool::open(std::string_view sha256) const {
  auto path = file(sha256);
  if (!path) return fail(ErrorCode::NotFound, "no firmware package " + std::string(sha256) + " in " + dir_.string());
  const int fd = ::open(path->c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return fail(ErrorCode::StoreFailed, "cannot open " + path->string() + ": " + errnoText());
  struct stat st {};
  if (::fstat(fd, &st) != 0) {
    ::close(fd);
    return fail(ErrorCode::StoreFailed, "cannot read " + path->string() + ": " + errnoText());
  }
  return std::unique_ptr<operations::PackageReader>(
      std::make_unique<FileReader>(fd, static_cast<std::uint64_t>(st.st_size)));
}

Result<std::unique_ptr<api::PackageUpload>> PackageSpool::beginUpload() {
  std::uint64_t budget = std::numeric_limits<std::uint64_t>::max();
  if (room_) {
    auto room = room_();
    if (!room) return room.error();
    budget = *room;
  }
  std::string name = (dir_ / (std::string(kUploadPrefix) + "XXXXXX")).string();
  const int fd = ::mkostemp(name.data(), O_CLOEXEC);
  if (fd < 0) return fail(ErrorCode::StoreFailed, "cannot create a package file in " + dir_.string() + ": " + errnoText());
  return std::unique_ptr<api::PackageUpload>(std::make_unique<SpoolUpload>(*this, fs::path(name), fd, room_, budget));
}

Result<api::PackageInfo> PackageSpool::storeFile(const fs::path& source) {
  Descriptor in(::open(source.c_str(), O_RDONLY | O_CLOEXEC));
  if (in.get() < 0) return fail("cannot read " + source.string() + ": " + errnoText());
  auto upload = beginUpload();
  if (!upload) return upload.error();
  std::vector<std::uint8_t> chunk(64 * 1024);
  for (;;) {
    const ssize_t n = ::read(in.get(), chunk.data(), chunk.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return fail("cannot read " + source.string() + ": " + errnoText());
    if (n == 0) break;
    if (auto written = (*upload)->write(std::span(chunk.data(), static_cast<std::size_t>(n))); !written) {
      return written.error();
    }
  }
  return (*upload)->finish();
}

void PackageSpool::touch(std::string_view sha256) const {
  if (auto path = file(sha256)) {
    std::error_code ec;
    fs::last_write_time(*path, fs::file_time_type::clock::now(), ec);
  }
}

std::size_t PackageSpool::sweep(std::chrono::seconds retention,
                                const std::function<bool(std::string_view sha256)>& inUse) {
  std::size_t removed = 0;
  std::error_code ec;
  const auto now = fs::file_time_type::clock::now();
  for (const auto& entry : fs::directory_iterator(dir_, ec)) {
    const std::string name = entry.path().filename().string();
    if (name.size() != 64 + kSuffix.size() || !name.ends_with(kSuffix)) continue;
    const std::string_view sha = std::string_view(name).substr(0, 64);
    if (!operations::isSha256Name(sha) || inUse(sha)) continue;
    std::error_code timeError;
    const auto used = fs::last_write_time(entry.path(), timeError);
    if (timeError || now - used <= retention) continue;
    if (fs::remove(entry.path(), timeError)) ++removed;
  }
  return removed;
}

}  // namespace lwm2m::gateway
