// The processes of one job: data-parallel ranks (`thorax train --distributed` under mpirun) or federated sites
// (`thorax federate` with one MPI rank per site). thorax runs on an existing distributed engine — MPI (Debian's
// OpenMPI) — rather than a home-made one; this interface is the little of it thorax uses, so the training code
// reads the same whether MPI is present or not.
#pragma once
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>

namespace thorax::train {

class Communicator {
 public:
  virtual ~Communicator() = default;
  virtual int rank() const = 0;
  virtual int size() const = 0;

  // In-place sums over every rank; afterwards every rank holds the same values. The uint32 sum wraps modulo
  // 2³² (secure aggregation's arithmetic).
  virtual void allreduce_sum(std::span<float> values) = 0;
  virtual void allreduce_sum(std::span<double> values) = 0;
  virtual void allreduce_sum(std::span<uint32_t> values) = 0;
  // Sums several buffers, all started before any is waited for (MPI_Iallreduce), so the transfers of one bucket
  // overlap with the reduction of the next.
  virtual void allreduce_sum_buckets(std::span<std::span<float>> buckets) = 0;
  // Every rank's `mine` (the same byte count on each), concatenated in rank order, on every rank.
  virtual void allgather(std::span<const uint8_t> mine, std::span<uint8_t> all) = 0;
  virtual void broadcast(std::span<uint8_t> bytes, int root) = 0;
  // A message from this rank to one other, which only that rank receives (federated sites' pair keys).
  virtual void send(std::span<const uint8_t> bytes, int to) = 0;
  virtual void recv(std::span<uint8_t> bytes, int from) = 0;
  virtual void barrier() = 0;
  // Ends the whole job (every rank) after one rank failed: the others would otherwise wait forever.
  [[noreturn]] virtual void abort(int code) = 0;
};

// Whether this thorax was built with MPI.
bool mpi_built();
// MPI_COMM_WORLD, initializing MPI on first use (finalized at exit). Throws a clear error when thorax was built
// without MPI. Started without mpirun, it is a world of one rank.
Communicator& mpi_world();
// MPI is initialized and this process is one of several ranks: a failure must abort the whole job.
bool in_mpi_job();

}  // namespace thorax::train
