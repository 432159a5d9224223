#include "reports/json.hpp"

#include <gtest/gtest.h>

#include "reports/tests/sample_report.hpp"

namespace ldbench::reports {
namespace {

TEST(ReportJson, RoundTripIsIdentical) {
  const Report r = testing::sample_report();
  const nlohmann::json j = to_json(r);
  const nlohmann::json back = to_json(report_from_json(j));
  EXPECT_EQ(j, back);
  EXPECT_EQ(j.dump(2), back.dump(2));
  // Through text as well, as `ldbench report DIR` reads it.
  EXPECT_EQ(j.dump(2), to_json(report_from_json(nlohmann::json::parse(j.dump(2)))).dump(2));
}

TEST(ReportJson, SummaryAndNonFiniteValues) {
  const nlohmann::json j = to_json(testing::sample_report());
  EXPECT_EQ(j.at("summary").at("checks"), 2);
  EXPECT_EQ(j.at("summary").at("checks_failed"), 1);
  EXPECT_FALSE(j.at("summary").at("passed").get<bool>());
  EXPECT_TRUE(j.at("experiments").at(0).at("checks").at(1).at("resolution").is_null());
  EXPECT_EQ(j.at("experiments").at(1).at("status"), "error");
}

TEST(ReportJson, DeterministicPartDropsEnvironmentAndTiming) {
  Report a = testing::sample_report();
  Report b = a;
  b.run = {1, "2030-01-01T00:00:00Z", 99.0};
  for (auto& e : b.experiments) e.seconds += 3.0;
  const nlohmann::json ja = to_json(a), jb = to_json(b);
  ASSERT_NE(ja, jb);
  const nlohmann::json da = deterministic_part(ja), db = deterministic_part(jb);
  EXPECT_EQ(da, db);
  EXPECT_FALSE(da.contains("run_environment"));
  for (const auto& e : da.at("experiments")) EXPECT_FALSE(e.contains("timing"));
  EXPECT_TRUE(da.contains("build"));
  EXPECT_TRUE(da.contains("conventions"));
}

TEST(ReportJson, RejectsOtherSchema) {
  nlohmann::json j = to_json(testing::sample_report());
  j["schema_version"] = kSchemaVersion + 1;
  EXPECT_THROW(report_from_json(j), std::runtime_error);
  j = to_json(testing::sample_report());
  j.erase("profile");
  EXPECT_THROW(report_from_json(j), std::runtime_error);
}

}  // namespace
}  // namespace ldbench::reports
