package org.crmwarehouse.model.clv;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ModelFitExceptionTest {

    /**
     * The message lands in published notes (mart_model_fit, mart_customer_value), so it quotes the
     * parameters to 4 significant digits: two searches that end a few ulps apart (patterns read in
     * another order, another engine) give the same note. Expected strings rounded by hand.
     */
    @Test
    void quotesTheLastParametersToFourSignificantDigits() {
        double[] last = {0.24312345678901, 267458.49999, 1.0e-7 / 3};
        ModelFitException a = new ModelFitException("BG/NBD", "optimiser failed: too many evaluations", last);
        ModelFitException b = new ModelFitException("BG/NBD", "optimiser failed: too many evaluations",
                new double[] {Math.nextUp(last[0]), Math.nextDown(last[1]), Math.nextUp(last[2])});

        assertThat(a.getMessage()).isEqualTo("BG/NBD fit failed: optimiser failed: too many evaluations"
                + " (last parameters [0.2431, 2.675e+05, 3.333e-08])");
        assertThat(b.getMessage()).isEqualTo(a.getMessage());
        // the full values stay available to callers
        assertThat(a.lastParameters()).containsExactly(last);
    }

    @Test
    void aFitThatNeverStartedQuotesNoParameters() {
        assertThat(new ModelFitException("Gamma-Gamma", "no spend patterns to fit", null).getMessage())
                .isEqualTo("Gamma-Gamma fit failed: no spend patterns to fit");
    }
}
