// The explorer's progress line on stderr (`check` on a terminal, runs longer than 2 s):
// states, rate, depth, queue, RSS, elapsed time and, once the BFS levels shrink, an
// estimate of the time left.
#pragma once
#include <cstddef>
#include <vector>

namespace cow {

class Progress {
 public:
  explicit Progress(bool enabled) : enabled_(enabled) {}
  // A BFS level of `size` states was completed.
  void level_done(std::size_t size) { levels_.push_back(size); }
  // Prints the line when due (after 2 s, then every second): `stored` states in the
  // store, `expanded` of them expanded, `level_end` the first id of the next level.
  void tick(double secs, std::size_t stored, std::size_t expanded, std::size_t level_end, unsigned depth);
  // Erases the line, if one was printed.
  void finish() const;

 private:
  bool enabled_;
  double last_ = 0;                 // when the line was last printed (0: never)
  std::vector<std::size_t> levels_;  // sizes of the completed BFS levels
};

}  // namespace cow
