// Writes the op-case table as JSON for make_references.py.
#include <iostream>

#include "tensor/npy.h"
#include "tests/support/op_cases.h"

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: export_op_cases OUT.json\n";
    return 2;
  }
  try {
    thorax::write_file_atomic(argv[1], thorax::testing::op_cases_json().dump(1));
  } catch (const std::exception& e) {
    std::cerr << "export_op_cases: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
