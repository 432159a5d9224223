// The collectives a particle system sharded across processes needs (lib/mfld run() with
// MfldOptions::comm; DESIGN.md §1 "Large runs", issue 7 "MPI"), behind a small interface so that lib/
// headers never include <mpi.h>:
//
//   rank() ∈ [0, size()), size() >= 1;
//   allgather(local, counts, out): counts[q] = number of doubles rank q contributes (counts.size() = size(),
//     local.size() = counts[rank()]); afterwards out = local_0 | local_1 | ... | local_{size-1} (concatenation
//     in RANK order, size sum_q counts[q]) on every rank. A pure copy, no arithmetic: every rank holds the
//     same bits, so any reduction done afterwards in a fixed order gives the same result on every rank and
//     for every rank count;
//   broadcast(buf, root): buf on every rank becomes root's buf (same size on every rank);
//   barrier(): returns on any rank only after every rank has entered it.
// All three are collective: every rank calls them in the same order with consistent arguments (a rank that
// skips one deadlocks the others). Argument errors throw std::invalid_argument naming the argument
// ("counts: ...", "local: ...", "out: ...", "root: ...") before any communication.
//
// Implementations: SerialCommunicator (one rank; allgather copies local to out) always; MPI_COMM_WORLD
// (lib/core/communicator_mpi.cpp, the only file that includes <mpi.h>; it gets MPI's flags and the define
// LDBENCH_HAVE_MPI only in builds where Meson found MPI, otherwise it compiles to the stand-ins below).
// world() is the process's communicator: the serial one unless set_world installed another, which MpiSession
// does when the program was started by an MPI launcher (cli/main.cpp, bench/bench_mfld.cpp).
#pragma once

#include <cstddef>
#include <memory>
#include <span>

namespace ldbench::lib::core {

class Communicator {
 public:
  virtual ~Communicator() = default;
  virtual int rank() const = 0;
  virtual int size() const = 0;
  virtual void allgather(std::span<const double> local, std::span<const std::size_t> counts, std::span<double> out) const = 0;
  virtual void broadcast(std::span<double> buf, int root) const = 0;
  virtual void barrier() const = 0;

 protected:
  // Throws the argument errors of the header for this communicator's rank() and size().
  void check_allgather(std::span<const double> local, std::span<const std::size_t> counts, std::span<double> out) const;
  void check_root(int root) const;
};

class SerialCommunicator final : public Communicator {
 public:
  int rank() const override { return 0; }
  int size() const override { return 1; }
  void allgather(std::span<const double> local, std::span<const std::size_t> counts, std::span<double> out) const override;
  void broadcast(std::span<double> buf, int root) const override;
  void barrier() const override {}
};

// The process's communicator (a SerialCommunicator until set_world is called).
const Communicator& world();
// Installs c as world() (nullptr: back to serial). Call it once at start-up, before any run uses world().
void set_world(std::shared_ptr<const Communicator> c);

// True iff this build has MPI (the Meson feature `mpi` found OpenMPI).
bool mpi_built();
// The number of processes an MPI launcher started (OpenMPI's mpirun sets OMPI_COMM_WORLD_SIZE, PMI launchers
// PMI_SIZE; a PMIx launcher that only sets PMIX_RANK counts as 1), 0 when the process was not started by one.
int launched_ranks();

// The MPI lifetime of a program (RAII; at most one, made at the start of main and destroyed at its end). When
// the build has MPI and launched_ranks() > 0: MPI_Init, and MPI_COMM_WORLD becomes world(); the destructor
// restores the serial world() and calls MPI_Finalize. Otherwise it does nothing (world() stays serial; a
// singleton MPI_Init would cost about a second for nothing). argc/argv may be null.
class MpiSession {
 public:
  MpiSession(int* argc, char*** argv);
  ~MpiSession();
  MpiSession(const MpiSession&) = delete;
  MpiSession& operator=(const MpiSession&) = delete;
  bool active() const { return active_; }

 private:
  bool active_ = false;
};

}  // namespace ldbench::lib::core
