package org.crmwarehouse.model.clv;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Outcome of a maximum-likelihood fit. {@code estimates} and {@code standardErrors} are in the
 * natural parameter scale and keep the parameter order of the model's paper; {@code iterations}
 * counts likelihood evaluations used by the optimiser.
 */
public record FitResult(
        String model,
        Map<String, Double> estimates,
        Map<String, Double> standardErrors,
        double logLikelihood,
        long customers,
        int patterns,
        int iterations,
        boolean converged) {

    public FitResult {
        estimates = Collections.unmodifiableMap(new LinkedHashMap<>(estimates));
        standardErrors = Collections.unmodifiableMap(new LinkedHashMap<>(standardErrors));
    }

    /** Estimate of one parameter by name. */
    public double estimate(String parameter) {
        Double value = estimates.get(parameter);
        if (value == null) {
            throw new IllegalArgumentException(model + " has no parameter " + parameter);
        }
        return value;
    }

    /** Standard error of one parameter by name. */
    public double standardError(String parameter) {
        Double value = standardErrors.get(parameter);
        if (value == null) {
            throw new IllegalArgumentException(model + " has no parameter " + parameter);
        }
        return value;
    }
}
