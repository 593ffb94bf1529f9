package org.crmwarehouse.model.clv;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.numbers.gamma.Digamma;
import org.apache.commons.numbers.gamma.LogGamma;

/**
 * The Gamma-Gamma model of monetary value (Fader, Hardie &amp; Lee 2005, "RFM and CLV: using
 * iso-value curves for customer base analysis", Journal of Marketing Research 42(4); Fader &amp;
 * Hardie, "The Gamma-Gamma Model of Monetary Value", 2013): transaction values are
 * Gamma(p, nu) around a customer's mean, with nu ~ Gamma(q, gamma) across customers. Fitted on
 * customers with x &gt; 0 repeat transactions of mean value m_x.
 */
public final class GammaGammaModel {

    public static final String NAME = "Gamma-Gamma";
    private static final String[] PARAMETERS = {"p", "q", "gamma"};

    private final double p;
    private final double q;
    private final double gamma;
    private final FitResult fitResult;

    /** A model with given parameters, for predictions. */
    public GammaGammaModel(double p, double q, double gamma) {
        this(p, q, gamma, null);
    }

    private GammaGammaModel(double p, double q, double gamma, FitResult fitResult) {
        if (!(p > 0 && q > 0 && gamma > 0)) {
            throw new IllegalArgumentException("Gamma-Gamma parameters must be positive: p=" + p + ", q=" + q
                    + ", gamma=" + gamma);
        }
        this.p = p;
        this.q = q;
        this.gamma = gamma;
        this.fitResult = fitResult;
    }

    /**
     * Maximum-likelihood fit.
     *
     * @throws ModelFitException when there is nothing to fit or no trustworthy optimum
     */
    public static GammaGammaModel fit(List<SpendPattern> patterns) {
        if (patterns.isEmpty()) {
            throw new ModelFitException(NAME, "no spend patterns to fit", null);
        }
        long customers = patterns.stream().mapToLong(SpendPattern::customers).sum();
        // The model is scale-equivariant (m_x -> c m_x keeps p and q, gamma -> c gamma), but the
        // optimiser starts at gamma = 1 within bounds: CDNOW's spends x 1e12 (about 3.5e13, below
        // one line's contract maximum of 1e14) ended on a bound. Fit in units of the mean spend,
        // then scale gamma, its standard error and the log-likelihood back
        // (ln f(m) = ln f(m / unit) - ln unit).
        double unit = patterns.stream().mapToDouble(s -> s.meanSpend() * s.customers()).sum() / customers;
        SpendPatternSet inUnits = SpendPatternSet.of(patterns, unit);
        FitResult fit = LogScaleMaximumLikelihood.fit(NAME, PARAMETERS, new double[] {1, 1, 1},
                theta -> logLikelihood(inUnits, theta[0], theta[1], theta[2]),
                theta -> logLikelihoodGradient(inUnits, theta[0], theta[1], theta[2]), customers, patterns.size());
        Map<String, Double> estimates = new LinkedHashMap<>(fit.estimates());
        estimates.computeIfPresent("gamma", (k, v) -> v * unit);
        Map<String, Double> standardErrors = new LinkedHashMap<>(fit.standardErrors());
        standardErrors.computeIfPresent("gamma", (k, v) -> v * unit);
        FitResult result = new FitResult(fit.model(), estimates, standardErrors,
                fit.logLikelihood() - customers * Math.log(unit), fit.customers(), fit.patterns(), fit.iterations(),
                fit.converged());
        return new GammaGammaModel(result.estimate("p"), result.estimate("q"), result.estimate("gamma"), result);
    }

    /** Total log-likelihood of the patterns (weighted by customers) under these parameters. */
    public double logLikelihood(List<SpendPattern> patterns) {
        return logLikelihood(SpendPatternSet.of(patterns, 1), p, q, gamma);
    }

    /**
     * Sum of customers * ln f(m_x | p, q, gamma, x), where (Fader &amp; Hardie 2013, eq. 3)
     * f(m_x) = Gamma(px+q) / (Gamma(px) Gamma(q)) gamma^q m_x^(px-1) x^(px) / (gamma + m_x x)^(px+q);
     * everything but the last factor is computed once per distinct x.
     */
    static double logLikelihood(SpendPatternSet data, double p, double q, double gamma) {
        int[] xs = data.distinctFrequencies;
        double constant = -LogGamma.value(q) + q * Math.log(gamma);
        double[] perFrequency = new double[xs.length];
        for (int k = 0; k < xs.length; k++) {
            double px = p * xs[k];
            perFrequency[k] = constant + LogGamma.value(px + q) - LogGamma.value(px) + px * Math.log(xs[k]);
        }
        return data.weightedSum(i -> {
            int k = data.frequencyIndex[i];
            double px = p * xs[data.frequencyIndex[i]];
            return perFrequency[k] + (px - 1) * data.lnMeanSpend[i] - (px + q) * Math.log(gamma + data.totalSpend[i]);
        });
    }

    /**
     * The log-likelihood and its gradient {ll, d/dp, d/dq, d/dgamma}, by differentiating the terms of
     * {@link #logLikelihood(SpendPatternSet, double, double, double)} (psi = digamma):
     * d/dp = x (psi(px+q) - psi(px) + ln x + ln m_x - ln(gamma + m_x x)),
     * d/dq = psi(px+q) - psi(q) + ln gamma - ln(gamma + m_x x),
     * d/dgamma = q/gamma - (px+q)/(gamma + m_x x).
     */
    static double[] logLikelihoodGradient(SpendPatternSet data, double p, double q, double gamma) {
        int[] xs = data.distinctFrequencies;
        double constant = -LogGamma.value(q) + q * Math.log(gamma);
        double dqConstant = -Digamma.value(q) + Math.log(gamma);
        double[] perFrequency = new double[xs.length];
        double[] dpPerFrequency = new double[xs.length];
        double[] digammaPxq = new double[xs.length];
        for (int k = 0; k < xs.length; k++) {
            double px = p * xs[k];
            double lnX = Math.log(xs[k]);
            perFrequency[k] = constant + LogGamma.value(px + q) - LogGamma.value(px) + px * lnX;
            digammaPxq[k] = Digamma.value(px + q);
            dpPerFrequency[k] = digammaPxq[k] - Digamma.value(px) + lnX;
        }
        return data.weightedSums(4, (i, out) -> {
            int k = data.frequencyIndex[i];
            int x = xs[k];
            double px = p * x;
            double spend = gamma + data.totalSpend[i];
            double lnSpend = Math.log(spend);
            out[0] = perFrequency[k] + (px - 1) * data.lnMeanSpend[i] - (px + q) * lnSpend;
            out[1] = x * (dpPerFrequency[k] + data.lnMeanSpend[i] - lnSpend);
            out[2] = digammaPxq[k] + dqConstant - lnSpend;
            out[3] = q / gamma - (px + q) / spend;
        });
    }

    /**
     * E[M | p, q, gamma, m_x, x] = (q-1)/(px+q-1) * p gamma/(q-1) + px/(px+q-1) * m_x (Fader, Hardie
     * &amp; Lee 2005 iso-value paper, eq. 5; 2013 note, eq. 4): a weighted mean of the population mean
     * p gamma/(q-1) and the observed m_x. Needs q &gt; 1 for the population mean to exist.
     */
    public double expectedMeanSpend(int frequency, double meanSpend) {
        if (!(q > 1)) {
            throw new IllegalStateException("Gamma-Gamma mean spend is infinite for q <= 1, q = " + q);
        }
        if (frequency == 0) {
            return p * gamma / (q - 1);
        }
        double px = p * frequency;
        return (p * gamma + px * meanSpend) / (px + q - 1);
    }

    /** E[M | x, m_x] for a spend pattern. */
    public double expectedMeanSpend(SpendPattern pattern) {
        return expectedMeanSpend(pattern.frequency(), pattern.meanSpend());
    }

    public FitResult fitResult() {
        return fitResult;
    }

    public double p() {
        return p;
    }

    public double q() {
        return q;
    }

    public double gamma() {
        return gamma;
    }
}
