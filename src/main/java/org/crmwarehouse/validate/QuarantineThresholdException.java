package org.crmwarehouse.validate;

/** Too many rows of one or more sources were quarantined: the night stops before publishing. */
public class QuarantineThresholdException extends RuntimeException {
    public QuarantineThresholdException(String message) {
        super(message);
    }
}
