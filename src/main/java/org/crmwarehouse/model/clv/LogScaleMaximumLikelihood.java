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
                throw new ModelFitException(model, "estimate of " + names[i] + " = " + theta[i]
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
