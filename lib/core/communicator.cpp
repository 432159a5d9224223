#include "lib/core/communicator.hpp"

#include <algorithm>
#include <cstdlib>
#include <mutex>
#include <numeric>
#include <stdexcept>
#include <string>

namespace ldbench::lib::core {

void Communicator::check_allgather(std::span<const double> local, std::span<const std::size_t> counts, std::span<double> out) const {
  const int n = size(), r = rank();
  if (counts.size() != static_cast<std::size_t>(n))
    throw std::invalid_argument("counts: has " + std::to_string(counts.size()) + " entries; need one per rank (" + std::to_string(n) + ")");
  if (local.size() != counts[static_cast<std::size_t>(r)])
    throw std::invalid_argument("local: has " + std::to_string(local.size()) + " values; counts[" + std::to_string(r) + "] says " +
                                std::to_string(counts[static_cast<std::size_t>(r)]));
  const std::size_t total = std::accumulate(counts.begin(), counts.end(), std::size_t{0});
  if (out.size() != total)
    throw std::invalid_argument("out: has " + std::to_string(out.size()) + " values; the counts add up to " + std::to_string(total));
}

void Communicator::check_root(int root) const {
  if (root < 0 || root >= size())
    throw std::invalid_argument("root: " + std::to_string(root) + " is not a rank; use 0.." + std::to_string(size() - 1));
}

void SerialCommunicator::allgather(std::span<const double> local, std::span<const std::size_t> counts, std::span<double> out) const {
  check_allgather(local, counts, out);
  std::copy(local.begin(), local.end(), out.begin());
}

void SerialCommunicator::broadcast(std::span<double>, int root) const { check_root(root); }

namespace {
std::mutex world_mutex;
std::shared_ptr<const Communicator>& world_slot() {
  static std::shared_ptr<const Communicator> w = std::make_shared<SerialCommunicator>();
  return w;
}
}  // namespace

const Communicator& world() {
  std::lock_guard<std::mutex> lock(world_mutex);
  return *world_slot();
}

int launched_ranks() {
  for (const char* var : {"OMPI_COMM_WORLD_SIZE", "PMI_SIZE"})
    if (const char* v = std::getenv(var); v && *v) return std::max(1, std::atoi(v));
  return std::getenv("PMIX_RANK") ? 1 : 0;
}

void set_world(std::shared_ptr<const Communicator> c) {
  std::lock_guard<std::mutex> lock(world_mutex);
  world_slot() = c ? std::move(c) : std::make_shared<SerialCommunicator>();
}

}  // namespace ldbench::lib::core
