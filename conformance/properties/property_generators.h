// Generators shared by the stateful properties' commands, chosen so that every choice both
// reaches its whole range at every case size and shrinks toward its simplest value.
//
// Why it exists: rc::gen::inRange scales its range with the case's size (small cases never
// draw the top of it), and rc::gen::element / weightedElement never shrink. Drawing an index
// over the whole range fixes both; lists are ordered simplest first.
#pragma once

#include <cstddef>
#include <initializer_list>
#include <vector>

#include <rapidcheck.h>

namespace lockstep::conformance::properties {

/// An integer in [min, max) over the whole range at every size; shrinks toward min.
inline rc::Gen<int> full_range(int min, int max) {
  return rc::gen::resize(rc::kNominalSize, rc::gen::inRange(min, max));
}

/// True with probability numerator/denominator; shrinks to false.
inline bool generate_chance(int numerator, int denominator) {
  return *full_range(0, denominator) >= denominator - numerator;
}

/// One of `choices`, each equally likely; shrinks toward the first.
template <typename T>
T generate_one_of(std::initializer_list<T> choices) {
  const std::vector<T> all(choices);
  return all[static_cast<std::size_t>(*full_range(0, static_cast<int>(all.size())))];
}

}  // namespace lockstep::conformance::properties
