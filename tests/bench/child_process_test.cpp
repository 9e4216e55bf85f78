// Measurements in processes of their own: stdout comes back, failures name the command.
#include <doctest/doctest.h>

#include "bench/child_process.h"
#include "tests/bench/helpers.h"

using namespace thorax;
using bench_test::error_of;

TEST_CASE("a child's stdout is returned whole") {
  CHECK(bench::run_capturing_stdout({"/bin/sh", "-c", "echo one; echo two"}) == "one\ntwo\n");
  CHECK(bench::self_executable().find("test_bench") != std::string::npos);
}

TEST_CASE("a child that fails or cannot start is an error naming the command") {
  CHECK(error_of([] { bench::run_capturing_stdout({"/bin/sh", "-c", "exit 3"}); }) ==
        "'/bin/sh -c exit 3' failed (exit status 3; its message is above)");
  CHECK(error_of([] { bench::run_capturing_stdout({"/no/such/program"}); })
            .find("cannot start '/no/such/program'") != std::string::npos);
}
