// Where a thread is in its program: finished, started, and whether every thread has
// finished (the end of an execution). The one definition the explorer, the costs pass,
// replay and the properties use.
#pragma once
#include "model/scenario.hpp"

namespace cow {

// A thread has finished when it has run all its ops (a killed thread jumps there).
inline bool thread_finished(const Scenario& sc, const State& s, unsigned t) {
  return s.threads[t].op >= sc.threads[t].ops.size();
}
// A thread runs once its process exists (devices always).
inline bool thread_started(const Scenario& sc, const State& s, unsigned t) {
  u8 mm = sc.threads[t].mm;
  return mm == kNone || s.mms[mm].alive;
}
// Every thread has finished: the state ends an execution.
inline bool all_threads_finished(const Scenario& sc, const State& s) {
  for (unsigned t = 0; t < sc.threads.size(); ++t)
    if (!thread_finished(sc, s, t)) return false;
  return true;
}

}  // namespace cow
