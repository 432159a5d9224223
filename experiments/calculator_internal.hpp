// Private to experiments/calculator*.cpp (not installed, not included elsewhere): the argument
// readers shared by the theory calculator's registrations, and the registration functions of the
// groups that live in their own .cpp (calculator_mean_field.cpp: "mean_field." and "dual.";
// calculator_diffusion.cpp: "diffusion.").
//
// Every reader validates through the Node API, so a wrong type, an unknown field or an
// out-of-range value is the one-line SpecError of experiments/spec.hpp naming the JSON path.
#pragma once

#include <Eigen/Core>
#include <cstddef>
#include <nlohmann/json.hpp>
#include <string>

#include "experiments/calculator.hpp"
#include "theory/gaussian.hpp"

namespace ldbench::experiments::calculator_detail {

inline constexpr double kBig = 1e300;
inline constexpr std::size_t kMaxLength = 10000;  // longest vector (or matrix side) accepted

double num(const Node& a, const std::string& key);     // finite
double pos(const Node& a, const std::string& key);     // finite, > 0
double nonneg(const Node& a, const std::string& key);  // finite, >= 0
int dimension(const Node& a, const std::string& key);  // integer in [1, 1000000]

// [..] of 1 .. kMaxLength finite numbers.
Eigen::VectorXd vector_arg(const Node& v);
// An array of rows of equal length, finite entries; square (rows == columns) when `square`.
// `example` is the allowed-part of the error ("e.g. [[2, 0], [0, 1]]").
Eigen::MatrixXd matrix_arg(const Node& m, bool square, const std::string& example);

// {"mean": [..], "cov": [[..], ..] or a number s² (isotropic)}.
theory::Gaussian gaussian(const Node& g);

nlohmann::json vector_json(const Eigen::VectorXd& v);
nlohmann::json matrix_json(const Eigen::MatrixXd& m);
nlohmann::json gaussian_json(const theory::Gaussian& g);  // {"mean": [..], "cov": [[..]..]}

extern const std::string kGaussianArg;

void register_mean_field_entries(TheoryCalculator& calc);  // "mean_field."
void register_dual_entries(TheoryCalculator& calc);        // "dual."
void register_diffusion_entries(TheoryCalculator& calc);   // "diffusion." (calculator_diffusion.cpp)

}  // namespace ldbench::experiments::calculator_detail
