// Running a measurement in a process of its own: peak RSS (getrusage) is a process-wide high-water mark,
// so a training step and an inference pass measured in one process would report the larger of the two.
#pragma once
#include <string>
#include <vector>

namespace thorax::bench {

// The path of the running executable (to start it again with other arguments).
std::string self_executable();

// Runs argv[0] (a path) with argv, its stderr shared with ours (progress stays visible) and its stdout
// captured and returned. Throws, naming the command, when it cannot start or exits with a non-zero status.
std::string run_capturing_stdout(const std::vector<std::string>& argv);

}  // namespace thorax::bench
