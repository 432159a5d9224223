// MPI_COMM_WORLD as a lib::core::Communicator and the MPI session (lib/core/communicator.hpp). The only file
// of ldbench that includes <mpi.h>: in builds with the Meson feature `mpi` found it is compiled with MPI's flags
// and LDBENCH_HAVE_MPI (lib/meson.build); otherwise it compiles to the stand-ins at the bottom (mpi_built()
// false, MpiSession does nothing).
// allgather = MPI_Allgatherv of MPI_DOUBLE (counts and displacements in rank order), broadcast = MPI_Bcast,
// barrier = MPI_Barrier. MPI errors keep MPI's default handler (MPI_ERRORS_ARE_FATAL: the job aborts).
#include "lib/core/communicator.hpp"

#ifdef LDBENCH_HAVE_MPI
// The C API only (OpenMPI's deprecated C++ bindings warn under -Wextra).
#define OMPI_SKIP_MPICXX 1
#define MPICH_SKIP_MPICXX 1
#include <mpi.h>

#include <climits>
#include <stdexcept>
#include <string>
#include <vector>
#endif

namespace ldbench::lib::core {

#ifdef LDBENCH_HAVE_MPI

namespace {

int to_int(std::size_t v, const char* what) {
  if (v > static_cast<std::size_t>(INT_MAX))
    throw std::invalid_argument(std::string(what) + ": " + std::to_string(v) + " doubles exceed MPI's int count; use fewer particles per rank");
  return static_cast<int>(v);
}

class MpiWorldCommunicator final : public Communicator {
 public:
  MpiWorldCommunicator() {
    MPI_Comm_rank(MPI_COMM_WORLD, &rank_);
    MPI_Comm_size(MPI_COMM_WORLD, &size_);
  }
  int rank() const override { return rank_; }
  int size() const override { return size_; }

  void allgather(std::span<const double> local, std::span<const std::size_t> counts, std::span<double> out) const override {
    check_allgather(local, counts, out);
    std::vector<int> c(counts.size()), displ(counts.size());
    std::size_t off = 0;
    for (std::size_t q = 0; q < counts.size(); ++q) {
      c[q] = to_int(counts[q], "counts");
      displ[q] = to_int(off, "counts");
      off += counts[q];
    }
    MPI_Allgatherv(local.data(), c[static_cast<std::size_t>(rank_)], MPI_DOUBLE, out.data(), c.data(), displ.data(), MPI_DOUBLE,
                   MPI_COMM_WORLD);
  }

  void broadcast(std::span<double> buf, int root) const override {
    check_root(root);
    MPI_Bcast(buf.data(), to_int(buf.size(), "buf"), MPI_DOUBLE, root, MPI_COMM_WORLD);
  }

  void barrier() const override { MPI_Barrier(MPI_COMM_WORLD); }

 private:
  int rank_ = 0, size_ = 1;
};

}  // namespace

bool mpi_built() { return true; }

MpiSession::MpiSession(int* argc, char*** argv) {
  if (launched_ranks() == 0) return;
  int already = 0;
  MPI_Initialized(&already);
  if (already) return;
  MPI_Init(argc, argv);
  active_ = true;
  set_world(std::make_shared<MpiWorldCommunicator>());
}

MpiSession::~MpiSession() {
  if (!active_) return;
  set_world(nullptr);
  MPI_Finalize();
}

#else

bool mpi_built() { return false; }
MpiSession::MpiSession(int*, char***) {}
MpiSession::~MpiSession() = default;

#endif

}  // namespace ldbench::lib::core
