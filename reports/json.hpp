// report.json: the report model as JSON, schema version kSchemaVersion.
#pragma once

#include <nlohmann/json.hpp>

#include "reports/model.hpp"

namespace ldbench::reports {

nlohmann::json to_json(const Report& r);
// Throws std::runtime_error naming the JSON path on a malformed document or another schema.
Report report_from_json(const nlohmann::json& j);

// The JSON with the fields that legitimately vary between identical runs removed
// ("run_environment" and every experiment's "timing"): equal for equal specs and seeds.
nlohmann::json deterministic_part(nlohmann::json j);

}  // namespace ldbench::reports
