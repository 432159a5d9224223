#include "experiments/datasets.hpp"

#include <array>
#include <cerrno>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace ldbench::experiments {

namespace fs = std::filesystem;

namespace {

std::string read_all(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    const int err = errno;
    throw DatasetError(path + ": cannot open (" + std::string(err ? std::strerror(err) : "unknown error") +
                       "); check the path (relative paths are tried next to the spec file and under LDBENCH_HOME)");
  }
  std::ostringstream os;
  os << in.rdbuf();
  return os.str();
}

std::vector<std::string> split_commas(const std::string& line) {
  std::vector<std::string> out;
  std::size_t start = 0;
  for (;;) {
    const std::size_t c = line.find(',', start);
    out.push_back(line.substr(start, c == std::string::npos ? std::string::npos : c - start));
    if (c == std::string::npos) break;
    start = c + 1;
  }
  return out;
}

// Strict decimal number: the whole cell must parse, finite.
bool parse_number(const std::string& cell, double& v) {
  if (cell.empty() || std::isspace(static_cast<unsigned char>(cell.front())) ||
      std::isspace(static_cast<unsigned char>(cell.back())))
    return false;
  const char* b = cell.c_str();
  char* e = nullptr;
  errno = 0;
  v = std::strtod(b, &e);
  return e == b + cell.size() && errno == 0 && std::isfinite(v);
}

bool parse_count(const std::string& cell, long& v) {
  if (cell.empty()) return false;
  for (char ch : cell)
    if (ch < '0' || ch > '9') return false;
  if (cell.size() > 9) return false;
  v = std::stol(cell);
  return true;
}

std::string show_cell(const std::string& s) {
  const std::string t = s.size() > 40 ? s.substr(0, 40) + "..." : s;
  return "\"" + t + "\"";
}

}  // namespace

LabeledTable parse_sklearn_csv(const std::string& text, const std::string& path) {
  std::vector<std::string> lines;
  {
    std::size_t start = 0;
    while (start < text.size()) {
      std::size_t nl = text.find('\n', start);
      std::string line = text.substr(start, nl == std::string::npos ? std::string::npos : nl - start);
      if (!line.empty() && line.back() == '\r') line.pop_back();
      lines.push_back(line);
      if (nl == std::string::npos) break;
      start = nl + 1;
    }
  }
  if (lines.empty() || (lines.size() == 1 && lines[0].empty()))
    throw DatasetError(path + ": is empty; expected a header line \"n_samples,n_features,class names...\"");
  const auto head = split_commas(lines[0]);
  long n = 0, p = 0;
  if (head.size() < 3 || !parse_count(head[0], n) || !parse_count(head[1], p) || n < 1 || p < 1)
    throw DatasetError(path + ":1: header " + show_cell(lines[0]) +
                       " is not \"n_samples,n_features,class_name_0,class_name_1,...\" (scikit-learn's CSV format)");
  LabeledTable t;
  t.path = path;
  for (std::size_t j = 2; j < head.size(); ++j) {
    if (head[j].empty()) throw DatasetError(path + ":1: header: class name " + std::to_string(j - 2) + " is empty");
    t.class_names.push_back(head[j]);
  }
  const long classes = static_cast<long>(t.class_names.size());
  t.features.resize(n, p);
  t.labels.resize(n);
  long row = 0;
  for (std::size_t li = 1; li < lines.size(); ++li) {
    const std::string& line = lines[li];
    const std::string where = path + ":" + std::to_string(li + 1) + ": ";
    if (line.empty()) {
      if (li + 1 == lines.size()) break;  // the trailing newline
      throw DatasetError(where + "blank line; expected " + std::to_string(p + 1) + " comma-separated values");
    }
    if (row >= n)
      throw DatasetError(where + "more data rows than the header's n_samples = " + std::to_string(n));
    const auto cells = split_commas(line);
    if (static_cast<long>(cells.size()) != p + 1)
      throw DatasetError(where + "has " + std::to_string(cells.size()) + " columns; expected " + std::to_string(p + 1) +
                         " (" + std::to_string(p) + " features + label)");
    for (long j = 0; j < p; ++j) {
      double v = 0;
      if (!parse_number(cells[static_cast<std::size_t>(j)], v))
        throw DatasetError(where + "column " + std::to_string(j + 1) + ": " + show_cell(cells[static_cast<std::size_t>(j)]) +
                           " is not a finite number");
      t.features(row, j) = v;
    }
    long lab = -1;
    if (!parse_count(cells.back(), lab) || lab >= classes)
      throw DatasetError(where + "label " + show_cell(cells.back()) + " is not a class index; expected an integer in [0, " +
                         std::to_string(classes - 1) + "]");
    t.labels(row) = static_cast<double>(lab);
    ++row;
  }
  if (row != n)
    throw DatasetError(path + ": has " + std::to_string(row) + " data rows; the header says n_samples = " + std::to_string(n));
  return t;
}

LabeledTable read_sklearn_csv(const std::string& path) { return parse_sklearn_csv(read_all(path), path); }

Standardization standardize_columns(Eigen::MatrixXd& X) {
  if (X.rows() < 2) throw DatasetError("features: need at least 2 rows to standardise; got " + std::to_string(X.rows()));
  Standardization s;
  const double n = static_cast<double>(X.rows());
  s.mean = X.colwise().mean().transpose();
  s.sd.resize(X.cols());
  for (Eigen::Index j = 0; j < X.cols(); ++j) {
    const double sd = std::sqrt((X.col(j).array() - s.mean(j)).square().sum() / n);
    if (!(sd > 0)) throw DatasetError("features: column " + std::to_string(j) + " is constant; cannot standardise it");
    s.sd(j) = sd;
    X.col(j) = (X.col(j).array() - s.mean(j)) / sd;
  }
  return s;
}

std::string resolve_data_path(const std::string& file, const std::string& spec_file) {
  const fs::path f(file);
  if (f.is_absolute()) return f.string();
  std::error_code ec;
  const fs::path beside = fs::path(spec_file).parent_path() / f;
  if (!spec_file.empty() && fs::is_regular_file(beside, ec)) return beside.string();
  const char* h = std::getenv("LDBENCH_HOME");
  const fs::path home = (h && *h) ? fs::path(h) : fs::path(LDBENCH_SOURCE_ROOT);
  return (home / f).string();
}

// SHA-256 (FIPS 180-4 §6.2), byte-oriented.
std::string sha256_hex(const std::string& bytes) {
  static constexpr std::array<std::uint32_t, 64> K = {
      0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5, 0xd807aa98, 0x12835b01,
      0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc,
      0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147,
      0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
      0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116, 0x1e376c08,
      0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208,
      0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2};
  std::array<std::uint32_t, 8> h = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
                                    0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};
  auto rotr = [](std::uint32_t x, int r) { return (x >> r) | (x << (32 - r)); };
  std::string m = bytes;
  const std::uint64_t bit_len = static_cast<std::uint64_t>(bytes.size()) * 8u;
  m.push_back(static_cast<char>(0x80));
  while (m.size() % 64 != 56) m.push_back('\0');
  for (int i = 7; i >= 0; --i) m.push_back(static_cast<char>((bit_len >> (8 * i)) & 0xffu));
  std::array<std::uint32_t, 64> w{};
  for (std::size_t off = 0; off < m.size(); off += 64) {
    for (int i = 0; i < 16; ++i) {
      const auto* p = reinterpret_cast<const unsigned char*>(m.data() + off + 4 * static_cast<std::size_t>(i));
      w[static_cast<std::size_t>(i)] = (std::uint32_t{p[0]} << 24) | (std::uint32_t{p[1]} << 16) |
                                       (std::uint32_t{p[2]} << 8) | std::uint32_t{p[3]};
    }
    for (std::size_t i = 16; i < 64; ++i) {
      const std::uint32_t s0 = rotr(w[i - 15], 7) ^ rotr(w[i - 15], 18) ^ (w[i - 15] >> 3);
      const std::uint32_t s1 = rotr(w[i - 2], 17) ^ rotr(w[i - 2], 19) ^ (w[i - 2] >> 10);
      w[i] = w[i - 16] + s0 + w[i - 7] + s1;
    }
    std::uint32_t a = h[0], b = h[1], c = h[2], d = h[3], e = h[4], f = h[5], g = h[6], hh = h[7];
    for (std::size_t i = 0; i < 64; ++i) {
      const std::uint32_t S1 = rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25);
      const std::uint32_t ch = (e & f) ^ (~e & g);
      const std::uint32_t t1 = hh + S1 + ch + K[i] + w[i];
      const std::uint32_t S0 = rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22);
      const std::uint32_t mj = (a & b) ^ (a & c) ^ (b & c);
      const std::uint32_t t2 = S0 + mj;
      hh = g;
      g = f;
      f = e;
      e = d + t1;
      d = c;
      c = b;
      b = a;
      a = t1 + t2;
    }
    h[0] += a;
    h[1] += b;
    h[2] += c;
    h[3] += d;
    h[4] += e;
    h[5] += f;
    h[6] += g;
    h[7] += hh;
  }
  static const char* hex = "0123456789abcdef";
  std::string out;
  for (std::uint32_t x : h)
    for (int i = 28; i >= 0; i -= 4) out.push_back(hex[(x >> i) & 0xfu]);
  return out;
}

std::string sha256_file(const std::string& path) { return sha256_hex(read_all(path)); }

}  // namespace ldbench::experiments
