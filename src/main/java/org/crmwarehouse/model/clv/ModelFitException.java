package org.crmwarehouse.model.clv;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** A fit that did not produce a trustworthy maximum-likelihood estimate. */
public class ModelFitException extends RuntimeException {

    private final String model;
    private final double[] lastParameters;

    public ModelFitException(String model, String reason, double[] lastParameters, Throwable cause) {
        super(model + " fit failed: " + reason
                + (lastParameters == null ? "" : " (last parameters " + significant(lastParameters) + ")"), cause);
        this.model = model;
        this.lastParameters = lastParameters == null ? null : lastParameters.clone();
    }

    public ModelFitException(String model, String reason, double[] lastParameters) {
        this(model, reason, lastParameters, null);
    }

    /**
     * Parameters as the message quotes them: 4 significant digits, as FitUsability quotes estimates.
     * The message lands in published notes, and the last digits of a failed search depend on the
     * order the engine delivered the patterns in; {@link #lastParameters()} keeps the full values.
     */
    public static String significant(double... values) {
        return Arrays.stream(values).mapToObj(ModelFitException::significant)
                .collect(Collectors.joining(", ", "[", "]"));
    }

    public static String significant(double value) {
        return String.format(Locale.ROOT, "%.4g", value);
    }

    public String model() {
        return model;
    }

    /** The natural-scale parameters last evaluated, or null if the fit never started. */
    public double[] lastParameters() {
        return lastParameters == null ? null : lastParameters.clone();
    }
}
