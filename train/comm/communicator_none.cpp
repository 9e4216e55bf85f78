// Built when CMake found no MPI: --distributed and MPI-rank federated sites say how to get it.
#include <stdexcept>

#include "train/comm/communicator.h"

namespace thorax::train {

bool mpi_built() { return false; }

Communicator& mpi_world() {
  throw std::runtime_error(
      "this thorax was built without MPI: install Debian's libopenmpi-dev and openmpi-bin (make setup does) and "
      "rebuild, then start it with mpirun");
}

bool in_mpi_job() { return false; }

}  // namespace thorax::train
