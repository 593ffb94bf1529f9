package org.crmwarehouse.model.clv;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.ToDoubleFunction;
import org.hipparchus.exception.MathRuntimeException;
import org.hipparchus.linear.CholeskyDecomposition;
import org.hipparchus.linear.MatrixUtils;
import org.hipparchus.linear.RealMatrix;
import org.hipparchus.optim.InitialGuess;
import org.hipparchus.optim.MaxEval;
import org.hipparchus.optim.PointValuePair;
import org.hipparchus.optim.SimpleBounds;
import org.hipparchus.optim.nonlinear.scalar.GoalType;
import org.hipparchus.optim.nonlinear.scalar.ObjectiveFunction;
import org.hipparchus.optim.nonlinear.scalar.noderiv.BOBYQAOptimizer;

/**
 * Maximum-likelihood fitting of positive parameters: BOBYQA (Powell 2009) minimises the negative
 * log-likelihood over the logarithms of the parameters, restarted from its own optimum until a
 * restart no longer improves the likelihood. Standard errors are the square roots of the diagonal
 * of the inverse of the observed information, the central-difference Hessian of the negative
 * log-likelihood in the natural scale at the optimum. A result is flagged not converged when the
 * last of {@value #MAX_RUNS} runs still improved the likelihood by more than 1e-9 relative.
 */
final class LogScaleMaximumLikelihood {

    /** Bounds on each log-parameter: parameters stay within [1e-6, 1e6]. */
    private static final double LOG_BOUND = Math.log(1e6);
    private static final double BOUNDARY_MARGIN = 1e-3;
    private static final double INITIAL_RADIUS = 0.5;
    private static final double STOPPING_RADIUS = 1e-9;
    private static final int MAX_EVALUATIONS_PER_RUN = 5_000;
    private static final int MAX_RUNS = 6;
    /** Relative step of the central differences of the Hessian. */
    private static final double HESSIAN_STEP = 1e-4;

    private LogScaleMaximumLikelihood() {
    }

    /**
     * Maximises {@code logLikelihood} (a function of the natural-scale parameters).
     *
     * @throws ModelFitException if the optimiser fails, the likelihood is not finite at the
     *     optimum, an estimate lies on the parameter bounds or the Hessian is not positive definite
     */
    static FitResult fit(String model, String[] names, double[] start, ToDoubleFunction<double[]> logLikelihood,
            long customers, int patterns) {
        int n = names.length;
        double[] last = start.clone();
        ObjectiveFunction objective = new ObjectiveFunction(phi -> {
            double[] theta = exp(phi);
            System.arraycopy(theta, 0, last, 0, n);
            double ll = logLikelihood.applyAsDouble(theta);
            // BOBYQA needs finite values: map an undefined likelihood to a huge cost
            return Double.isFinite(ll) ? -ll : Double.MAX_VALUE / 4;
        });
        double[] lower = new double[n];
        double[] upper = new double[n];
        Arrays.fill(lower, -LOG_BOUND);
        Arrays.fill(upper, LOG_BOUND);
        double[] phi = log(start);
        double cost = Double.POSITIVE_INFINITY;
        int evaluations = 0;
        boolean converged = false;
        try {
            for (int run = 0; run < MAX_RUNS && !converged; run++) {
                BOBYQAOptimizer optimizer = new BOBYQAOptimizer(2 * n + 1, INITIAL_RADIUS, STOPPING_RADIUS);
                // more parameters (covariate coefficients) need more evaluations; up to 10 as before
                PointValuePair optimum = optimizer.optimize(new MaxEval(Math.max(MAX_EVALUATIONS_PER_RUN, 500 * n)), objective,
                        GoalType.MINIMIZE, new InitialGuess(phi), new SimpleBounds(lower, upper));
                evaluations += optimizer.getEvaluations();
                converged = cost - optimum.getValue() <= 1e-9 * (1 + Math.abs(optimum.getValue()));
                if (optimum.getValue() <= cost) {
                    cost = optimum.getValue();
                    phi = optimum.getPoint();
                }
            }
        } catch (MathRuntimeException e) {
            throw new ModelFitException(model, "optimiser failed: " + e.getMessage(), last, e);
        } catch (ArithmeticException e) {
            throw new ModelFitException(model, "likelihood could not be evaluated: " + e.getMessage(), last, e);
        }
        double[] theta = exp(phi);
        if (!(cost < Double.MAX_VALUE / 8)) {
            throw new ModelFitException(model, "log-likelihood is not finite at the optimum", theta);
        }
        for (int i = 0; i < n; i++) {
            if (Math.abs(phi[i]) > LOG_BOUND - BOUNDARY_MARGIN) {
                throw new ModelFitException(model, "estimate of " + names[i] + " = " + ModelFitException.significant(theta[i])
                        + " lies on the bound of the parameter space (degenerate data?)", theta);
            }
        }
        double[] errors = standardErrors(model, theta, logLikelihood);
        Map<String, Double> estimates = new LinkedHashMap<>();
        Map<String, Double> ses = new LinkedHashMap<>();
        for (int i = 0; i < n; i++) {
            estimates.put(names[i], theta[i]);
            ses.put(names[i], errors[i]);
        }
        return new FitResult(model, estimates, ses, -cost, customers, patterns, evaluations, converged);
    }

    /** A log-likelihood with its gradient: {ll, d ll/d theta_1, ...} at natural-scale theta. */
    @FunctionalInterface
    interface ValueAndGradient {
        double[] at(double[] theta);
    }

    /** Quasi-Newton iterations before falling back to BOBYQA. */
    private static final int MAX_QUASI_NEWTON_ITERATIONS = 500;
    /** Converged when every gradient component over the log-parameters is below this times 1 + |ll|. */
    private static final double GRADIENT_TOLERANCE = 1e-10;

    /**
     * As {@link #fit}, with the analytic gradient: BFGS over the log-parameters (Armijo backtracking,
     * steps of at most 1 in each log-parameter) until the gradient vanishes to
     * {@value #GRADIENT_TOLERANCE} x (1 + |ll|), a few dozen evaluations where BOBYQA takes hundreds;
     * standard errors from central differences of the gradient. Should it not converge, stop near a
     * bound of the parameter space or give a fit {@link FitUsability} flags (degenerate data), the
     * derivative-free {@link #fit} decides, as before.
     */
    static FitResult fit(String model, String[] names, double[] start, ToDoubleFunction<double[]> logLikelihood,
            ValueAndGradient gradient, long customers, int patterns) {
        FitResult quasiNewton = quasiNewton(model, names, start, gradient, customers, patterns);
        // a degenerate optimum lies on a plateau where the optimiser decides where it stops: there
        // BOBYQA does, so such fits (and their flags) stay what they were
        return quasiNewton != null && FitUsability.flagReason(quasiNewton) == null ? quasiNewton
                : fit(model, names, start, logLikelihood, customers, patterns);
    }

    /** The BFGS fit, or null when it did not converge inside the bounds. */
    private static FitResult quasiNewton(String model, String[] names, double[] start, ValueAndGradient gradient,
            long customers, int patterns) {
        int n = names.length;
        int[] evaluations = {0};
        // f = -ll and its gradient over phi = ln theta: d f/d phi_i = -theta_i d ll/d theta_i
        java.util.function.Function<double[], double[]> cost = phi -> {
            evaluations[0]++;
            double[] theta = exp(phi);
            double[] g = gradient.at(theta);
            double[] out = new double[n + 1];
            out[0] = -g[0];
            for (int i = 0; i < n; i++) {
                out[i + 1] = -theta[i] * g[i + 1];
            }
            return out;
        };
        double[] phi = log(start);
        double[] current = cost.apply(phi);
        if (!allFinite(current)) {
            return null;
        }
        double[][] inverse = identity(n);
        boolean converged = false;
        for (int iteration = 0; iteration < MAX_QUASI_NEWTON_ITERATIONS; iteration++) {
            double[] g = Arrays.copyOfRange(current, 1, n + 1);
            if (maxAbs(g) <= GRADIENT_TOLERANCE * (1 + Math.abs(current[0]))) {
                converged = true;
                break;
            }
            double[] direction = times(inverse, g, -1);
            if (dot(direction, g) >= 0) {
                inverse = identity(n);
                direction = times(inverse, g, -1);
            }
            double longest = maxAbs(direction);
            if (longest > 1) {
                for (int i = 0; i < n; i++) {
                    direction[i] /= longest;
                }
            }
            double slope = dot(direction, g);
            // near the optimum of a sum over millions of customers the predicted decrease is below
            // the rounding of f itself: there a step that shrinks the gradient is progress
            boolean noiseLevel = -slope < 1e-12 * (1 + Math.abs(current[0]));
            double step = 1;
            double[] trialPhi = null;
            double[] trial = null;
            for (int halving = 0; halving < 60; halving++, step /= 2) {
                trialPhi = new double[n];
                for (int i = 0; i < n; i++) {
                    trialPhi[i] = Math.max(-LOG_BOUND, Math.min(LOG_BOUND, phi[i] + step * direction[i]));
                }
                trial = cost.apply(trialPhi);
                if (allFinite(trial) && (trial[0] <= current[0] + 1e-4 * step * slope
                        || noiseLevel && maxAbs(Arrays.copyOfRange(trial, 1, n + 1)) < maxAbs(g))) {
                    break;
                }
                trial = null;
            }
            if (trial == null) {
                return null;
            }
            double[] s = new double[n];
            double[] y = new double[n];
            for (int i = 0; i < n; i++) {
                s[i] = trialPhi[i] - phi[i];
                y[i] = trial[i + 1] - g[i];
            }
            double ys = dot(y, s);
            if (ys > 1e-300) {
                if (iteration == 0) {
                    // scale the first inverse Hessian to the observed curvature (Nocedal &amp; Wright 6.20)
                    double scale = ys / dot(y, y);
                    for (int i = 0; i < n; i++) {
                        inverse[i][i] = scale;
                    }
                }
                inverse = bfgsUpdate(inverse, s, y, 1 / ys);
            }
            phi = trialPhi;
            current = trial;
            if (maxAbs(s) == 0) {
                return null;
            }
        }
        if (!converged) {
            return null;
        }
        for (double p : phi) {
            if (Math.abs(p) > LOG_BOUND - 1) {
                return null;
            }
        }
        double[] theta = exp(phi);
        double[] errors;
        try {
            errors = standardErrors(model, theta, gradient);
        } catch (ModelFitException e) {
            return null;
        }
        Map<String, Double> estimates = new LinkedHashMap<>();
        Map<String, Double> ses = new LinkedHashMap<>();
        for (int i = 0; i < n; i++) {
            estimates.put(names[i], theta[i]);
            ses.put(names[i], errors[i]);
        }
        return new FitResult(model, estimates, ses, -current[0], customers, patterns, evaluations[0], true);
    }

    /** sqrt(diag(H^-1)), H = -(central differences of the analytic gradient) at theta, symmetrised. */
    static double[] standardErrors(String model, double[] theta, ValueAndGradient gradient) {
        int n = theta.length;
        RealMatrix hessian = MatrixUtils.createRealMatrix(n, n);
        for (int i = 0; i < n; i++) {
            double h = HESSIAN_STEP * theta[i];
            double[] plus = theta.clone();
            double[] minus = theta.clone();
            plus[i] += h;
            minus[i] -= h;
            double[] gPlus = gradient.at(plus);
            double[] gMinus = gradient.at(minus);
            for (int j = 0; j < n; j++) {
                hessian.addToEntry(i, j, -(gPlus[j + 1] - gMinus[j + 1]) / (4 * h));
                hessian.addToEntry(j, i, -(gPlus[j + 1] - gMinus[j + 1]) / (4 * h));
            }
        }
        return errorsFromHessian(model, theta, hessian);
    }

    private static double[][] bfgsUpdate(double[][] h, double[] s, double[] y, double rho) {
        int n = s.length;
        double[] hy = times(h, y, 1);
        double yhy = dot(y, hy);
        double[][] updated = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                updated[i][j] = h[i][j] - rho * (hy[i] * s[j] + s[i] * hy[j]) + (rho * rho * yhy + rho) * s[i] * s[j];
            }
        }
        return updated;
    }

    private static double[][] identity(int n) {
        double[][] m = new double[n][n];
        for (int i = 0; i < n; i++) {
            m[i][i] = 1;
        }
        return m;
    }

    private static double[] times(double[][] m, double[] v, double sign) {
        double[] out = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            for (int j = 0; j < v.length; j++) {
                out[i] += sign * m[i][j] * v[j];
            }
        }
        return out;
    }

    private static double dot(double[] u, double[] v) {
        double sum = 0;
        for (int i = 0; i < u.length; i++) {
            sum += u[i] * v[i];
        }
        return sum;
    }

    private static double maxAbs(double[] v) {
        double max = 0;
        for (double x : v) {
            max = Math.max(max, Math.abs(x));
        }
        return max;
    }

    private static boolean allFinite(double[] v) {
        for (double x : v) {
            if (!Double.isFinite(x)) {
                return false;
            }
        }
        return true;
    }

    /** sqrt(diag(H^-1)), H = central-difference Hessian of -logLikelihood at theta (natural scale). */
    static double[] standardErrors(String model, double[] theta, ToDoubleFunction<double[]> logLikelihood) {
        int n = theta.length;
        double[] h = new double[n];
        for (int i = 0; i < n; i++) {
            h[i] = HESSIAN_STEP * theta[i];
        }
        double f0 = -logLikelihood.applyAsDouble(theta);
        RealMatrix hessian = MatrixUtils.createRealMatrix(n, n);
        for (int i = 0; i < n; i++) {
            double fPlus = -logLikelihood.applyAsDouble(shift(theta, h, i, 1, i, 0));
            double fMinus = -logLikelihood.applyAsDouble(shift(theta, h, i, -1, i, 0));
            hessian.setEntry(i, i, (fPlus - 2 * f0 + fMinus) / (h[i] * h[i]));
            for (int j = 0; j < i; j++) {
                double fpp = -logLikelihood.applyAsDouble(shift(theta, h, i, 1, j, 1));
                double fpm = -logLikelihood.applyAsDouble(shift(theta, h, i, 1, j, -1));
                double fmp = -logLikelihood.applyAsDouble(shift(theta, h, i, -1, j, 1));
                double fmm = -logLikelihood.applyAsDouble(shift(theta, h, i, -1, j, -1));
                double hij = (fpp - fpm - fmp + fmm) / (4 * h[i] * h[j]);
                hessian.setEntry(i, j, hij);
                hessian.setEntry(j, i, hij);
            }
        }
        return errorsFromHessian(model, theta, hessian);
    }

    /** sqrt(diag(H^-1)) of the Hessian of the negative log-likelihood (natural scale). */
    private static double[] errorsFromHessian(String model, double[] theta, RealMatrix hessian) {
        int n = theta.length;
        RealMatrix covariance;
        try {
            covariance = new CholeskyDecomposition(hessian, 1e-8, 0).getSolver().getInverse();
        } catch (MathRuntimeException e) {
            throw new ModelFitException(model, "Hessian of the negative log-likelihood is not positive definite "
                    + Arrays.deepToString(hessian.getData()), theta, e);
        }
        double[] errors = new double[n];
        for (int i = 0; i < n; i++) {
            errors[i] = Math.sqrt(covariance.getEntry(i, i));
            if (!Double.isFinite(errors[i])) {
                throw new ModelFitException(model, "standard error of parameter " + i + " is not finite", theta);
            }
        }
        return errors;
    }

    /** theta with theta[i] += si*h[i] and theta[j] += sj*h[j] (i may equal j with sj 0). */
    private static double[] shift(double[] theta, double[] h, int i, int si, int j, int sj) {
        double[] shifted = theta.clone();
        shifted[i] += si * h[i];
        shifted[j] += sj * h[j];
        return shifted;
    }

    private static double[] exp(double[] values) {
        return Arrays.stream(values).map(Math::exp).toArray();
    }

    private static double[] log(double[] values) {
        return Arrays.stream(values).map(Math::log).toArray();
    }
}
