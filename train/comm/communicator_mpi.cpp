// The Communicator over MPI_COMM_WORLD (built when CMake finds MPI).
#include <mpi.h>

#include <cstdlib>
#include <stdexcept>
#include <vector>

#include "train/comm/communicator.h"

namespace thorax::train {

namespace {

void check(int code, const char* what) {
  if (code == MPI_SUCCESS) return;
  char text[MPI_MAX_ERROR_STRING];
  int length = 0;
  MPI_Error_string(code, text, &length);
  throw std::runtime_error(std::string("MPI ") + what + " failed: " + std::string(text, length));
}

// MPI counts are int: large buffers go in chunks.
constexpr size_t kChunk = size_t{1} << 30;

template <class T>
void sum_in_place(std::span<T> v, MPI_Datatype type) {
  for (size_t at = 0; at < v.size(); at += kChunk)
    check(MPI_Allreduce(MPI_IN_PLACE, v.data() + at, static_cast<int>(std::min(kChunk, v.size() - at)), type, MPI_SUM,
                        MPI_COMM_WORLD),
          "allreduce");
}

class MpiWorld final : public Communicator {
 public:
  MpiWorld() {
    int initialized = 0;
    MPI_Initialized(&initialized);
    if (!initialized) {
      // Only the main thread calls MPI (the loader's workers never do).
      int provided = 0;
      check(MPI_Init_thread(nullptr, nullptr, MPI_THREAD_FUNNELED, &provided), "init");
      // Errors come back as codes (turned into exceptions above) rather than killing the job without a word.
      MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN);
      std::atexit([] {
        int finalized = 0;
        MPI_Finalized(&finalized);
        if (!finalized) MPI_Finalize();
      });
    }
    MPI_Comm_rank(MPI_COMM_WORLD, &rank_);
    MPI_Comm_size(MPI_COMM_WORLD, &size_);
  }
  int rank() const override { return rank_; }
  int size() const override { return size_; }
  void allreduce_sum(std::span<float> v) override { sum_in_place(v, MPI_FLOAT); }
  void allreduce_sum(std::span<double> v) override { sum_in_place(v, MPI_DOUBLE); }
  // Unsigned addition wraps modulo 2^32 in MPI as in C.
  void allreduce_sum(std::span<uint32_t> v) override { sum_in_place(v, MPI_UINT32_T); }
  void allreduce_sum_buckets(std::span<std::span<float>> buckets) override {
    std::vector<MPI_Request> requests;
    for (auto& b : buckets) {
      if (b.size() >= kChunk) throw std::invalid_argument("allreduce_sum_buckets: a bucket of 2^30 floats or more");
      requests.emplace_back();
      check(MPI_Iallreduce(MPI_IN_PLACE, b.data(), static_cast<int>(b.size()), MPI_FLOAT, MPI_SUM, MPI_COMM_WORLD,
                           &requests.back()),
            "iallreduce");
    }
    check(MPI_Waitall(static_cast<int>(requests.size()), requests.data(), MPI_STATUSES_IGNORE), "waitall");
  }
  void allgather(std::span<const uint8_t> mine, std::span<uint8_t> all) override {
    if (all.size() != mine.size() * static_cast<size_t>(size_) || mine.size() >= kChunk)
      throw std::invalid_argument("allgather: the output must hold size() × the input's bytes");
    check(MPI_Allgather(mine.data(), static_cast<int>(mine.size()), MPI_BYTE, all.data(), static_cast<int>(mine.size()),
                        MPI_BYTE, MPI_COMM_WORLD),
          "allgather");
  }
  void broadcast(std::span<uint8_t> bytes, int root) override {
    for (size_t at = 0; at < bytes.size(); at += kChunk)
      check(MPI_Bcast(bytes.data() + at, static_cast<int>(std::min(kChunk, bytes.size() - at)), MPI_BYTE, root,
                      MPI_COMM_WORLD),
            "broadcast");
  }
  void send(std::span<const uint8_t> bytes, int to) override {
    if (bytes.size() >= kChunk) throw std::invalid_argument("send: a message of 1 GiB or more");
    check(MPI_Send(bytes.data(), static_cast<int>(bytes.size()), MPI_BYTE, to, 0, MPI_COMM_WORLD), "send");
  }
  void recv(std::span<uint8_t> bytes, int from) override {
    if (bytes.size() >= kChunk) throw std::invalid_argument("recv: a message of 1 GiB or more");
    check(MPI_Recv(bytes.data(), static_cast<int>(bytes.size()), MPI_BYTE, from, 0, MPI_COMM_WORLD, MPI_STATUS_IGNORE),
          "recv");
  }
  void barrier() override { check(MPI_Barrier(MPI_COMM_WORLD), "barrier"); }
  [[noreturn]] void abort(int code) override {
    MPI_Abort(MPI_COMM_WORLD, code);
    std::_Exit(code);  // MPI_Abort does not return; this keeps [[noreturn]] honest if it ever did
  }

 private:
  int rank_ = 0, size_ = 1;
};

MpiWorld* g_world = nullptr;

}  // namespace

bool mpi_built() { return true; }

Communicator& mpi_world() {
  static MpiWorld world;
  g_world = &world;
  return world;
}

bool in_mpi_job() { return g_world != nullptr && g_world->size() > 1; }

}  // namespace thorax::train
