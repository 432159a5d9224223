// Counter-based random numbers: Philox4x32-10 (Salmon, Moraes, Dror, Shaw, "Parallel random
// numbers: as easy as 1, 2, 3", SC'11), through Random123's reference implementation.
//
// Every draw is a pure function of its indices:
//
//   key     = (seed, stream tag)                         two 32-bit words
//   counter = (replica, particle, step, draw)            four 32-bit words
//   Philox4x32-10(counter, key) -> four 32-bit words w0..w3
//
// so results do not depend on the thread count, the rank count or the order in which particles
// are visited. Words are paired into two 64-bit integers u = w0 | w1 << 32, v = w2 | w3 << 32 and
// converted with Random123's fixed-point maps (u01: (0, 1], uneg11: [-1, 1]); normals come from
// r123::boxmuller(u, v), which returns two independent N(0, 1) doubles per counter. Hence normal
// number j of a (replica, particle, step) triple uses draw = j / 2, component j % 2.
//
// Stream tags separate independent uses of one seed (the Brownian increments of an integrator,
// the initial law, an estimator's reference sample, ...); see StreamTag.
#pragma once

#include <Random123/boxmuller.hpp>
#include <Random123/philox.h>
#include <Random123/u01fixedpt.h>

#include <array>
#include <cstdint>

namespace ldbench::lib::rng {

// Stream tags used by ldbench itself. Users' plugins should use values >= 1000.
enum class StreamTag : std::uint32_t {
  initial_law = 1,       // samples of the initial distribution
  brownian = 2,          // Brownian increments of SDE integrators
  coupling = 3,          // extra normals of coupled exact solutions (weak-order checks)
  reference_sample = 4,  // exact samples of a target (estimator noise floors)
  langevin_noise = 5,    // Gaussian noise xi_k of the Langevin samplers (lib/langevin)
  minibatch = 6,         // mini-batch indices of SGLD / SVRG-LD / SARAH-LD (lib/langevin)
  metropolis = 7,        // MALA accept/reject uniforms (lib/langevin)
  model_data = 8,        // synthetic data sets and finite-sum splits (lib/models)
  mfld_data = 9,         // synthetic teacher data of the mean-field objectives (lib/mfld)
  mfld_noise = 10,       // Gaussian noise of the MFLD particle updates (lib/mfld)
  mfld_minibatch = 11,   // mini-batch indices of SGD-MFLD / SVRG-MFLD (lib/mfld)
};

struct Key {
  std::uint32_t seed = 0;
  std::uint32_t stream = 0;
};

struct Counter {
  std::uint32_t replica = 0;
  std::uint32_t particle = 0;
  std::uint32_t step = 0;
  std::uint32_t draw = 0;
};

// The raw block cipher: four 32-bit words.
inline std::array<std::uint32_t, 4> philox4x32_10(const Counter& c, const Key& k) {
  r123::Philox4x32_R<10> gen;
  r123::Philox4x32_R<10>::ctr_type ctr = {{c.replica, c.particle, c.step, c.draw}};
  r123::Philox4x32_R<10>::key_type key = {{k.seed, k.stream}};
  const auto out = gen(ctr, key);
  return {out[0], out[1], out[2], out[3]};
}

// Two 64-bit words from one counter.
inline std::array<std::uint64_t, 2> philox_u64x2(const Counter& c, const Key& k) {
  const auto w = philox4x32_10(c, k);
  return {static_cast<std::uint64_t>(w[0]) | (static_cast<std::uint64_t>(w[1]) << 32),
          static_cast<std::uint64_t>(w[2]) | (static_cast<std::uint64_t>(w[3]) << 32)};
}

// Two uniforms in (0, 1] (fixed-point conversion, 53 random bits each).
inline std::array<double, 2> uniform01x2(const Counter& c, const Key& k) {
  const auto u = philox_u64x2(c, k);
  return {r123::u01<double>(u[0]), r123::u01<double>(u[1])};
}

// Two independent standard normals (Box-Muller on fixed-point uniforms).
inline std::array<double, 2> normal2(const Counter& c, const Key& k) {
  const auto u = philox_u64x2(c, k);
  const r123::double2 z = r123::boxmuller(u[0], u[1]);
  return {z.x, z.y};
}

// A stream of standard normals for one (replica, particle, step): normal(j) is a pure function
// of (key, replica, particle, step, j). fill() writes n consecutive normals starting at j = 0.
class NormalStream {
 public:
  NormalStream(Key key, std::uint32_t replica, std::uint32_t particle, std::uint32_t step)
      : key_(key), replica_(replica), particle_(particle), step_(step) {}

  double normal(std::uint32_t j) const {
    return normal2({replica_, particle_, step_, j / 2}, key_)[j % 2];
  }

  template <typename Out>
  void fill(Out* out, std::uint32_t n) const {
    std::uint32_t j = 0;
    for (; j + 1 < n; j += 2) {
      const auto z = normal2({replica_, particle_, step_, j / 2}, key_);
      out[j] = z[0];
      out[j + 1] = z[1];
    }
    if (j < n) out[j] = normal2({replica_, particle_, step_, j / 2}, key_)[0];
  }

 private:
  Key key_;
  std::uint32_t replica_, particle_, step_;
};

}  // namespace ldbench::lib::rng
