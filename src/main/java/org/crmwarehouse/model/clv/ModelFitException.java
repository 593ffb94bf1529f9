package org.crmwarehouse.model.clv;

import java.util.Arrays;

/** A fit that did not produce a trustworthy maximum-likelihood estimate. */
public class ModelFitException extends RuntimeException {

    private final String model;
    private final double[] lastParameters;

    public ModelFitException(String model, String reason, double[] lastParameters, Throwable cause) {
        super(model + " fit failed: " + reason
                + (lastParameters == null ? "" : " (last parameters " + Arrays.toString(lastParameters) + ")"), cause);
        this.model = model;
        this.lastParameters = lastParameters == null ? null : lastParameters.clone();
    }

    public ModelFitException(String model, String reason, double[] lastParameters) {
        this(model, reason, lastParameters, null);
    }

    public String model() {
        return model;
    }

    /** The natural-scale parameters last evaluated, or null if the fit never started. */
    public double[] lastParameters() {
        return lastParameters == null ? null : lastParameters.clone();
    }
}
