// Named points where a test may kill the process, to prove that a crash at the worst moment loses nothing
// (issue 11, "Long runs"): with THORAX_CRASH_AT=NAME the process dies by SIGKILL — as kill -9 or a power cut
// would end it, without unwinding or flushing — the first time it reaches crash_point(NAME); with NAME:N, the
// N-th time. Points: "mid-write" (half of a file's bytes written to its temporary name), "before-rename" (the
// temporary file complete), "after-rename" (the new file in place) — in write_file_atomic — and
// "after-epoch" (training, once an epoch's checkpoint is written). Unset, a point costs one cached lookup.
#pragma once

namespace thorax {

void crash_point(const char* name);

}  // namespace thorax
