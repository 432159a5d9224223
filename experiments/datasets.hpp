// Data sets shipped under experiments/data/ (I/O edge, DESIGN.md §1): a loader for labelled
// numeric tables in scikit-learn's bundled-CSV format, column standardisation, and the resolution
// of a spec's data path.
//
// Format (scikit-learn, sklearn/datasets/_base.py load_csv_data; e.g. breast_cancer.csv):
//   line 1      n_samples,n_features,class_name_0,class_name_1,...   (integers, then >= 1 names)
//   lines 2..   x_1,...,x_{n_features},label                          (decimal numbers; label an
//                                                                      integer in [0, #class names))
// exactly n_samples data lines, commas only, no quoting; a trailing newline and "\r\n" line ends
// are accepted, blank lines are not.
//
// Standardisation: x_ij -> (x_ij - mean_j) / sd_j with the column mean and the population standard
// deviation sd_j = sqrt((1/n) sum_i (x_ij - mean_j)²) (scikit-learn's StandardScaler convention).
//
// Errors: DatasetError (a std::runtime_error) with ONE line that names the file and, for content
// problems, the line number: "<path>: cannot open (No such file or directory)",
// "<path>:7: has 30 columns; expected 31 (30 features + label)", "<path>:7: column 4: \"1.2x\" is not
// a number", "<path>:1: header ...", "<path>: has 568 data rows; the header says 569".
#pragma once

#include <Eigen/Core>
#include <stdexcept>
#include <string>
#include <vector>

namespace ldbench::experiments {

class DatasetError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct LabeledTable {
  std::string path;
  Eigen::MatrixXd features;              // n x p, as in the file
  Eigen::VectorXd labels;                // n, integers 0 .. classes - 1
  std::vector<std::string> class_names;  // from the header
};

// Reads a file in the format above. Throws DatasetError.
LabeledTable read_sklearn_csv(const std::string& path);

// Same, from the file's contents (path only names the source in messages).
LabeledTable parse_sklearn_csv(const std::string& text, const std::string& path);

struct Standardization {
  Eigen::VectorXd mean, sd;  // per column, sd = population standard deviation
};
// Standardises the columns of X in place and returns the statistics. Throws DatasetError naming
// the column (0-based) when a column is constant (sd = 0) or X has fewer than 2 rows.
Standardization standardize_columns(Eigen::MatrixXd& X);

// Where a spec's data file is: `file` itself when absolute; otherwise the first existing one of
// <directory of spec_file>/file and <home>/file, where home = $LDBENCH_HOME if set, else the
// source tree (LDBENCH_SOURCE_ROOT). When none exists, returns <home>/file (the reader then
// reports it as missing).
std::string resolve_data_path(const std::string& file, const std::string& spec_file);

// Hex SHA-256 of a file's bytes (FIPS 180-4), for provenance records. Throws DatasetError when the
// file cannot be read.
std::string sha256_file(const std::string& path);
std::string sha256_hex(const std::string& bytes);

}  // namespace ldbench::experiments
