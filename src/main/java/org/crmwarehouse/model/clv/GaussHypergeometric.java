package org.crmwarehouse.model.clv;

import org.apache.commons.numbers.gamma.LogGamma;

/**
 * The Gauss hypergeometric function 2F1(a, b; c; z) for real z &lt; 1, as needed by the BG/NBD
 * conditional expectation and the Pareto/NBD likelihood.
 *
 * <ul>
 *   <li>0 &lt;= z &lt;= {@value #SERIES_LIMIT}: the defining power series (Abramowitz &amp; Stegun
 *       15.1.1), summed until a term falls below {@code 1e-16} of the sum while terms decrease;</li>
 *   <li>z &gt; {@value #SERIES_LIMIT}: the linear transformation z -&gt; 1 - z (A&amp;S 15.3.6), whose
 *       two series converge fast, unless c - a - b is within {@code 1e-6} of an integer (where that
 *       formula has poles): then the direct series with up to {@value #MAX_TERMS} terms;</li>
 *   <li>z &lt; 0: Pfaff's transformation to z / (z - 1) in (0, 1) (A&amp;S 15.3.4).</li>
 * </ul>
 * A series that does not converge raises {@link ArithmeticException}, never a silent value.
 */
public final class GaussHypergeometric {

    static final double SERIES_LIMIT = 0.9;
    static final int MAX_TERMS = 2_000_000;
    private static final double EPSILON = 1e-16;

    private GaussHypergeometric() {
    }

    /** 2F1(a, b; c; z) for z &lt; 1; c must not be a non-positive integer. */
    public static double value(double a, double b, double c, double z) {
        if (!(z < 1)) {
            throw new IllegalArgumentException("2F1 is evaluated here only for z < 1, got " + z);
        }
        if (c <= 0 && c == Math.rint(c)) {
            throw new IllegalArgumentException("2F1 undefined for non-positive integer c = " + c);
        }
        if (z < 0) {
            // A&S 15.3.4: F(a,b;c;z) = (1-z)^(-a) F(a, c-b; c; z/(z-1))
            return Math.pow(1 - z, -a) * value(a, c - b, c, z / (z - 1));
        }
        double d = c - a - b;
        if (z <= SERIES_LIMIT || Math.abs(d - Math.rint(d)) < 1e-6) {
            return series(a, b, c, z);
        }
        // A&S 15.3.6
        double w = 1 - z;
        double first = gammaRatio(c, d, c - a, c - b) * series(a, b, 1 - d, w);
        double second = gammaRatio(c, -d, a, b) * Math.pow(w, d) * series(c - a, c - b, d + 1, w);
        return first + second;
    }

    /** The power series sum_n (a)_n (b)_n / (c)_n z^n / n! (A&S 15.1.1) with a convergence check. */
    static double series(double a, double b, double c, double z) {
        double term = 1;
        double sum = 1;
        for (int n = 0; n < MAX_TERMS; n++) {
            double ratio = (a + n) * (b + n) / ((c + n) * (n + 1)) * z;
            term *= ratio;
            sum += term;
            if (term == 0 || (Math.abs(term) <= EPSILON * Math.abs(sum) && Math.abs(ratio) < 1)) {
                return sum;
            }
        }
        throw new ArithmeticException("2F1(" + a + ", " + b + "; " + c + "; " + z
                + ") series did not converge in " + MAX_TERMS + " terms");
    }

    /** Gamma(p) Gamma(q) / (Gamma(r) Gamma(s)), zero when r or s is a pole of Gamma. */
    private static double gammaRatio(double p, double q, double r, double s) {
        if (isPole(r) || isPole(s)) {
            return 0;
        }
        int[] sign = new int[1];
        double log = LogGamma.value(p, sign);
        int totalSign = sign[0];
        log += LogGamma.value(q, sign);
        totalSign *= sign[0];
        log -= LogGamma.value(r, sign);
        totalSign *= sign[0];
        log -= LogGamma.value(s, sign);
        totalSign *= sign[0];
        return totalSign * Math.exp(log);
    }

    private static boolean isPole(double x) {
        return x <= 0 && x == Math.rint(x);
    }
}
