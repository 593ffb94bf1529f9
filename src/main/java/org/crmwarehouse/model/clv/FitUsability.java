package org.crmwarehouse.model.clv;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Whether a fitted customer-value model may drive predictions: the one place that says when a fit
 * that "converged" is nonetheless degenerate. Two kinds of check, both documented here:
 *
 * <p>Hard failures, thrown as {@link ModelFitException} while fitting (LogScaleMaximumLikelihood):
 * the optimiser failed or did not converge; the log-likelihood is not finite at the optimum; an
 * estimate lies on the optimiser's bound (every parameter is kept within [1e-6, 1e6]); the
 * information matrix (the Hessian of the negative log-likelihood) is not positive definite; a
 * standard error is not finite. Gamma-Gamma with q &lt;= 1 (infinite mean spend) fails too.
 *
 * <p>Flags, from {@link #flagReason}: the fit is kept in mart_model_fit (usable = false, the
 * reason in flag_reason) but its predictions are not used:
 * <ul>
 *   <li>a shape parameter (dimensionless: r, a, b of BG/NBD; r, s of Pareto/NBD; p, q of
 *       Gamma-Gamma) outside [{@value #SHAPE_MIN}, {@value #SHAPE_MAX}], two decades inside the
 *       optimiser's bounds: the Gamma or Beta heterogeneity has collapsed to a point or run off
 *       to nothing, which is the model's boundary, not a population (85 accounts that never left
 *       gave a = 5e-5, b = 40,079 and called every account alive). Scale parameters (alpha,
 *       beta, gamma) are in time or money units, so no fixed range fits them; they are not
 *       range-checked;</li>
 *   <li>a standard error larger than {@value #MAX_RELATIVE_STD_ERROR} times its estimate: the
 *       likelihood is flat along that parameter, the data do not determine it;</li>
 *   <li>a non-finite estimate, standard error or log-likelihood.</li>
 *   <li>covariate coefficients ('parameter:column=level', value_covariates) are checked for
 *       finiteness only: a coefficient near 0 (no difference between levels) legitimately has a
 *       standard error many times its size, and the base level's is fixed at 0 and has none.</li>
 * </ul>
 */
public final class FitUsability {

    public static final double SHAPE_MIN = 1e-4;
    public static final double SHAPE_MAX = 1e4;
    public static final double MAX_RELATIVE_STD_ERROR = 10;

    private static final Map<String, Set<String>> SHAPE_PARAMETERS = Map.of(
            BgNbdModel.NAME, Set.of("r", "a", "b"),
            ModifiedBgNbdModel.NAME, Set.of("r", "a", "b"),
            ParetoNbdModel.NAME, Set.of("r", "s"),
            GammaGammaModel.NAME, Set.of("p", "q"));

    private FitUsability() {
    }

    /** Why the fit must not drive predictions, or null when it may. */
    public static String flagReason(FitResult fit) {
        List<String> reasons = new ArrayList<>();
        if (!Double.isFinite(fit.logLikelihood())) {
            reasons.add("log-likelihood is not finite");
        }
        Set<String> shapes = SHAPE_PARAMETERS.getOrDefault(fit.model(), Set.of());
        for (Map.Entry<String, Double> e : fit.estimates().entrySet()) {
            String name = e.getKey();
            double estimate = e.getValue();
            Double error = fit.standardErrors().get(name);
            if (!Double.isFinite(estimate)) {
                reasons.add(name + " is not finite");
                continue;
            }
            if (name.contains(":")) {
                // a covariate coefficient ('alpha:channel=paid'): it may be 0 (the base level, no
                // standard error) or near 0 with a wide error; only its finiteness says degenerate
                if (estimate != 0 && (error == null || !Double.isFinite(error))) {
                    reasons.add("standard error of " + name + " is not finite");
                }
                continue;
            }
            if (shapes.contains(name) && (estimate < SHAPE_MIN || estimate > SHAPE_MAX)) {
                reasons.add(String.format(Locale.ROOT, "%s = %.4g is outside [%.0e, %.0e] (the model's boundary: "
                        + "degenerate data)", name, estimate, SHAPE_MIN, SHAPE_MAX));
            }
            if (error == null || !Double.isFinite(error)) {
                reasons.add("standard error of " + name + " is not finite");
            } else if (error > MAX_RELATIVE_STD_ERROR * Math.abs(estimate)) {
                reasons.add(String.format(Locale.ROOT, "standard error of %s (%.4g) is over %.0f times its estimate "
                        + "(%.4g): the data do not determine it", name, error, MAX_RELATIVE_STD_ERROR, estimate));
            }
        }
        return reasons.isEmpty() ? null : String.join("; ", reasons);
    }
}
