#include "experiments/mutants.hpp"

#include <chrono>
#include <set>

namespace ldbench::experiments {

using nlohmann::json;

namespace {

// One catalogue entry whose every use sets the same params patch.
MutantInfo same_patch(std::string id, std::string family, std::string description, const std::vector<std::string>& kinds,
                      const json& patch) {
  MutantInfo m{std::move(id), std::move(family), std::move(description), {}};
  for (const auto& k : kinds) m.uses.push_back({k, patch});
  return m;
}

}  // namespace

void register_builtin_mutants(KindRegistry& r) {
  // Langevin samplers: lib/langevin/sampler.hpp, enum Mutant (the formulas are stated there).
  const std::string lv = "Langevin samplers (lib/langevin)";
  {
    MutantInfo m = same_patch("langevin.noise_sqrt_eta", lv, "noise sqrt(eta) L xi instead of sqrt(2 eta lambda) L xi (the law of temperature 1/2)",
                              {"ula_gaussian", "mala_invariance", "posterior", "nonconvex_excess_risk"}, {{"mutant", "noise_sqrt_eta"}});
    m.uses.push_back({"iteration_complexity", {{"mutant", "noise_sqrt_eta"}, {"mutant_algorithm", "ula"}}});
    m.uses.push_back({"iteration_complexity", {{"mutant", "noise_sqrt_eta"}, {"mutant_algorithm", "svrg_ld"}}});
    r.add_mutant(std::move(m));
  }
  {
    MutantInfo m = same_patch("langevin.drift_flipped", lv, "drift +eta P g_k instead of -eta P g_k (ascends the potential)",
                              {"ula_gaussian", "mala_invariance", "nonconvex_excess_risk"}, {{"mutant", "drift_flipped"}});
    m.uses.push_back({"iteration_complexity", {{"mutant", "drift_flipped"}, {"mutant_algorithm", "ula"}}});
    r.add_mutant(std::move(m));
  }
  {
    // iteration_complexity names the algorithm a mutant applies to; the other kinds know it.
    MutantInfo m = same_patch("langevin.svrg_no_correction", lv,
                              "SVRG-LD without its control variate: g_k = grad R(x_k) + c sum_I grad l_i(x_k) on non-snapshot steps (SGLD's variance)",
                              {"posterior", "nonconvex_excess_risk"}, {{"mutant", "svrg_no_correction"}});
    m.uses.push_back({"iteration_complexity", {{"mutant", "svrg_no_correction"}, {"mutant_algorithm", "svrg_ld"}}});
    r.add_mutant(std::move(m));
  }
  r.add_mutant(same_patch("langevin.mala_no_proposal_correction", lv,
                          "MALA accepts with exp(-(U(y) - U(x))/lambda), the proposal ratio q(x|y)/q(y|x) omitted",
                          {"mala_invariance", "posterior"}, {{"mutant", "mala_no_proposal_correction"}}));
  r.add_mutant(same_patch("langevin.reused_rng_counters", lv,
                          "every chain draws the noise of chain 0 (counter particle index fixed at 0): the chains are not independent",
                          {"ula_gaussian", "nonconvex_excess_risk"}, {{"mutant", "reused_rng_counters"}}));

  // SDE integrators: lib/sde/ou.hpp, enum OuMutant.
  const std::string sde = "SDE integrators on the OU process (lib/sde)";
  r.add_mutant(same_patch("sde.noise_sqrt_dt", sde, "diffusion sigma = sqrt(lambda) instead of sqrt(2 lambda): Euler–Maruyama noise sqrt(dt) xi",
                          {"ou_weak_order", "ou_kl_decay"}, {{"mutant", "noise_sqrt_dt"}}));
  r.add_mutant(same_patch("sde.drift_flipped", sde, "OU drift +a X instead of -a X", {"ou_weak_order", "ou_kl_decay"},
                          {{"mutant", "drift_flipped"}}));

  // Fokker–Planck solver: lib/fp/fokker_planck.hpp, enum FpMutant.
  const std::string fp = "Fokker–Planck grid solver (lib/fp)";
  const std::vector<std::string> fp_kinds = {"fp_ou_grid", "fp_double_well", "fp_lsi_bounds"};
  r.add_mutant(same_patch("fp.diffusion_doubled", fp, "operator d/dx(p U') + 2 lambda p'' instead of lambda p''", fp_kinds,
                          {{"solver_mutant", "diffusion_doubled"}}));
  r.add_mutant(same_patch("fp.drift_flipped", fp, "operator -d/dx(p U') + lambda p'' (drift sign flipped)", fp_kinds,
                          {{"solver_mutant", "drift_flipped"}}));
  r.add_mutant(same_patch("fp.backward_euler_stage_matrix", fp,
                          "backward Euler solves (I - (gamma/2) dt A) p' = p, TR-BDF2's stage matrix, instead of (I - dt A) p' = p", fp_kinds,
                          {{"solver_mutant", "backward_euler_stage_matrix"}}));
  r.add_mutant(same_patch("fp.tr_bdf2_uniform_weights", fp,
                          "TR-BDF2's BDF2 stage with weight 1/3 instead of 1/(gamma(2 - gamma)) - 1 (first order in time)", fp_kinds,
                          {{"solver_mutant", "tr_bdf2_uniform_weights"}}));

  // ULA particles against the exact grid law: verify/harness/fp.hpp, enum ParticleMutant.
  const std::string ula_grid = "ULA particles on the grid comparison (verify/harness/fp)";
  r.add_mutant(same_patch("ula_grid.noise_sqrt_eta", ula_grid, "particles and grid kernel with noise variance eta instead of 2 eta lambda",
                          {"fp_ula_grid"}, {{"particle_mutant", "noise_sqrt_eta"}}));
  r.add_mutant(same_patch("ula_grid.drift_flipped", ula_grid, "particles and grid kernel step x + eta U'(x) instead of x - eta U'(x)",
                          {"fp_ula_grid"}, {{"particle_mutant", "drift_flipped"}}));

  // Mean-field Langevin dynamics: lib/mfld/mfld.hpp, enum Mutant.
  const std::string mf = "Mean-field Langevin dynamics (lib/mfld)";
  r.add_mutant(same_patch("mfld.noise_sqrt_eta", mf, "particle noise sqrt(eta) xi instead of sqrt(2 eta lambda2) xi", {"mfld_quadratic", "mfld_nonlinear"},
                          {{"mutant", "noise_sqrt_eta"}}));
  r.add_mutant(same_patch("mfld.entropy_halved", mf, "noise sqrt(2 eta lambda2/2) xi: the dynamics of the entropy weight lambda2/2",
                          {"mfld_quadratic", "mfld_nonlinear"}, {{"mutant", "entropy_halved"}}));
  r.add_mutant(same_patch("mfld.drift_flipped", mf, "theta_i <- theta_i + eta g_k(:, i) + noise (ascends the first variation)",
                          {"mfld_quadratic", "mfld_nonlinear"}, {{"mutant", "drift_flipped"}}));
  r.add_mutant(same_patch("mfld.self_interaction_only", mf,
                          "each particle's drift from the measure of itself alone, grad dF/dmu(delta_theta_i)(theta_i): the interaction dropped",
                          {"mfld_quadratic", "mfld_nonlinear"}, {{"mutant", "self_interaction_only"}}));

  // The nonlinear Fokker–Planck solver of MFLD's ground truth: lib/fp/nonlinear.hpp.
  r.add_mutant(same_patch("fp.frozen_potential", fp,
                          "nonlinear Fokker–Planck with the potential V_{p_0} kept for every step instead of V_{p_n} recomputed from p",
                          {"mfld_nonlinear"}, {{"grid", {{"mutant", "frozen_potential"}}}}));

  // Estimators and their inputs: verify/estimators, experiments/drivers/estimators.cpp.
  const std::string est = "Estimators (verify/estimators)";
  r.add_mutant(same_patch("estimator.knn_log_instead_of_digamma", est,
                          "Kozachenko–Leonenko entropy with log n - log k in place of psi(n) - psi(k) (bias about 1/(2k), never consistent)",
                          {"estimator_convergence"}, {{"mutant", "knn_log_instead_of_digamma"}}));
  r.add_mutant(same_patch("estimator.x_from_perturbed_p", est, "the sample x drawn from N(m + 0.1, 1.1 S) instead of p = N(m, S)",
                          {"estimator_convergence"}, {{"mutant", "x_from_perturbed_p"}}));

  // Closed-form bounds (theory/): the bound a check compares with, deliberately wrong.
  const std::string th = "Closed-form bounds (theory)";
  r.add_mutant(same_patch("bound.vw_no_bias_term", th,
                          "Vempala–Wibisono KL bound without its bias term 8 d L_U^2 eta/(alpha lambda): exp(-alpha lambda eta k) KL_0 only",
                          {"ula_gaussian"}, {{"vw", {{"bound_mutant", "no_bias_term"}}}}));
  r.add_mutant(same_patch("bound.hs_without_penalty", th,
                          "Holley–Stroock LSI constant without the penalty exp(-osc/lambda): alpha = 2 lambda1/lambda", {"fp_lsi_bounds"},
                          {{"bound_mutant", "hs_without_penalty"}}));
  r.add_mutant(same_patch("bound.talagrand_without_factor_2", th, "Talagrand T2 as W2^2 <= KL/alpha instead of 2 KL/alpha",
                          {"fp_lsi_bounds"}, {{"bound_mutant", "talagrand_without_factor_2"}}));
  r.add_mutant(same_patch("bound.sandwich_references_swapped", th,
                          "entropy sandwich with its references swapped: lambda2 KL(p_t||p^_{p_t}) <= L(p_t) - L* <= lambda2 KL(p_t||p*)",
                          {"mfld_nonlinear"}, {{"grid", {{"sandwich_mutant", "references_swapped"}}}}));
}

json apply_mutant_patch(json doc, const json& patch) {
  if (doc.is_object() && doc.contains("params") && doc["params"].is_object()) doc["params"].merge_patch(patch);
  if (doc.is_object() && doc.contains("profiles") && doc["profiles"].is_object())
    for (auto& [name, prof] : doc["profiles"].items())
      if (prof.is_object() && prof.contains("params") && prof["params"].is_object()) prof["params"].merge_patch(patch);
  return doc;
}

reports::KillMatrix run_kill_matrix(const KindRegistry& reg, const std::vector<std::string>& files,
                                    const std::vector<std::string>& shown, const SuiteOptions& opt,
                                    const std::function<void(int, int, const std::string&)>& progress) {
  if (!shown.empty() && shown.size() != files.size()) throw std::invalid_argument("shown: one name per file");
  for (const auto& m : reg.mutants())
    for (const auto& u : m.uses)
      if (!reg.find(u.kind)) throw SpecError("mutant " + m.id + ": kind \"" + u.kind + "\" is not registered; load its plugin or remove the use");

  struct Planned {
    const MutantInfo* mutant;
    const MutantInfo::Use* use;
    std::size_t file;
  };
  std::vector<json> docs;
  std::vector<Planned> plan;
  for (std::size_t i = 0; i < files.size(); ++i) {
    docs.push_back(read_json_file(files[i]));
    const json& d = docs.back();
    const std::string kind = d.is_object() && d.contains("kind") && d["kind"].is_string() ? d["kind"].get<std::string>() : "";
    for (const auto& m : reg.mutants())
      for (const auto& u : m.uses)
        if (u.kind == kind) plan.push_back({&m, &u, i});
  }

  reports::KillMatrix km;
  const int total = static_cast<int>(plan.size());
  for (int j = 0; j < total; ++j) {
    const Planned& p = plan[static_cast<std::size_t>(j)];
    const std::string& file = shown.empty() ? files[p.file] : shown[p.file];
    reports::MutantRun run;
    run.mutant = p.mutant->id;
    run.patch = p.use->patch;
    run.experiment = docs[p.file].value("name", file);
    if (progress) progress(j, total, run.mutant + " on " + run.experiment);
    const auto t0 = std::chrono::steady_clock::now();
    std::optional<Prepared> prepared;
    try {
      prepared = prepare_spec(reg, apply_mutant_patch(docs[p.file], p.use->patch), file, opt.profile, opt.seed);
    } catch (const SpecError& e) {
      run.outcome = "not_applicable";
      run.note = e.what();
    }
    if (prepared) {
      reports::Report one = run_suite({*prepared}, opt);
      reports::Experiment& e = one.experiments.front();
      run.checks = std::move(e.checks);
      if (e.status != "ok") {
        run.outcome = "error";
        run.note = e.error;
      } else {
        run.outcome = "survived";
        for (const auto& c : run.checks)
          if (!c.passed) run.outcome = "killed";
      }
    }
    run.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    km.runs.push_back(std::move(run));
  }

  for (const auto& m : reg.mutants()) {
    reports::MutantEntry e{m.id, m.family, m.description, {}, 0};
    for (const auto& r : km.runs) {
      if (r.mutant != m.id || r.outcome == "not_applicable") continue;
      ++e.applied;
      if (r.outcome == "error") e.killed_by.push_back(r.experiment + "/error");
      for (const auto& c : r.checks)
        if (!c.passed) e.killed_by.push_back(r.experiment + "/" + c.id);
    }
    km.mutants.push_back(std::move(e));
  }
  return km;
}

}  // namespace ldbench::experiments
