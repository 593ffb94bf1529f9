package org.crmwarehouse.model.clv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.crmwarehouse.model.clv.CovariatePurchaseModel.Kind;
import org.hipparchus.random.RandomDataGenerator;
import org.junit.jupiter.api.Test;

/**
 * Issue 15 item 3: covariates recover known per-channel parameters. Two channels' customers are
 * simulated from the models' generative processes (Fader, Hardie &amp; Lee 2005, section 2; Schmittlein,
 * Morrison &amp; Colombo 1987) with a fixed seed and known parameters that differ between the
 * channels; the expected values are those generating parameters, never the code's output.
 */
class CovariatePurchaseModelTest {

    private static final List<String> COLUMNS = List.of("acquisition_channel");
    private static final int CUSTOMERS_PER_CHANNEL = 6_000;

    /**
     * BG/NBD truth: r shared; channel "organic" alpha 4, a 0.8, b 2.5 (mean dropout 0.24 after a
     * purchase); "paid_search" alpha 8 (buys half as often), a 1.6, b 2 (mean dropout 0.44).
     */
    static final double R = 0.25;
    private static final double[] ORGANIC_BG = {R, 4.0, 0.8, 2.5};
    private static final double[] PAID_BG = {R, 8.0, 1.6, 2.0};

    /**
     * 12,000 customers, about 5,300 patterns; 1.5 s of CPU. Seed 1: of seeds 1..6 tried, 5 had all
     * seven estimates within 2 standard errors (seed 6 missed organic a and b by 3.2 and 2.9 SE:
     * their sampling distribution is skewed, the Wald interval in the natural scale a little
     * narrow), and in every one the pooled alpha missed both channels' alpha by 4.7 SE or more.
     */
    @Test
    void bgNbdCovariateFitRecoversBothChannelsAndThePooledFitDoesNot() {
        RandomDataGenerator random = new RandomDataGenerator(1L);
        Map<List<String>, List<PurchasePattern>> data = new LinkedHashMap<>();
        data.put(List.of("organic"), simulateBgNbd(random, ORGANIC_BG, CUSTOMERS_PER_CHANNEL));
        data.put(List.of("paid_search"), simulateBgNbd(random, PAID_BG, CUSTOMERS_PER_CHANNEL));
        String[] names = {"r", "alpha", "a", "b"};

        // the same model twice, with each channel as the base level: its parameters and their
        // standard errors are then the published base parameters of that fit
        CovariatePurchaseModel organicBase = CovariatePurchaseModel.fit(Kind.BG_NBD, design("organic", "paid_search"),
                data, TimeUnit.WEEK);
        CovariatePurchaseModel paidBase = CovariatePurchaseModel.fit(Kind.BG_NBD, design("paid_search", "organic"),
                data, TimeUnit.WEEK);
        assertEquals(organicBase.fitResult().logLikelihood(), paidBase.fitResult().logLikelihood(),
                1e-6 * Math.abs(organicBase.fitResult().logLikelihood()), "a change of base level is a reparametrisation");
        assertWithinTwoStandardErrors(organicBase.fitResult(), names, ORGANIC_BG, "organic");
        assertWithinTwoStandardErrors(paidBase.fitResult(), names, PAID_BG, "paid_search");

        // the coefficients are the log ratios of the channels' parameters (alpha with a minus sign)
        FitResult fit = organicBase.fitResult();
        assertWithin(fit, "alpha:acquisition_channel=paid_search", -Math.log(8.0 / 4.0));
        assertWithin(fit, "a:acquisition_channel=paid_search", Math.log(1.6 / 0.8));
        assertWithin(fit, "b:acquisition_channel=paid_search", Math.log(2.0 / 2.5));
        assertEquals(0.0, fit.estimate("alpha:acquisition_channel=organic"), "the base level has coefficient 0");
        assertTrue(Double.isNaN(fit.standardError("alpha:acquisition_channel=organic")));

        // forLevels gives the channel's own parameters: base x exp(sign g)
        BgNbdModel paid = (BgNbdModel) organicBase.forLevels(List.of("paid_search"));
        assertEquals(paidBase.fitResult().estimate("alpha"), paid.alpha(), 1e-3 * paid.alpha());
        assertEquals(paidBase.fitResult().estimate("b"), paid.b(), 1e-3 * paid.b());

        // the pooled fit's alpha lies outside 2 standard errors of both channels' truth
        FitResult pooled = BgNbdModel.fit(pooled(data), TimeUnit.WEEK).fitResult();
        double pooledAlpha = pooled.estimate("alpha");
        assertTrue(Math.abs(pooledAlpha - ORGANIC_BG[1]) > 2 * organicBase.fitResult().standardError("alpha")
                && Math.abs(pooledAlpha - PAID_BG[1]) > 2 * paidBase.fitResult().standardError("alpha"),
                "pooled " + pooled.estimates() + " should miss both channels' alpha");
    }

    /**
     * The covariate likelihood is the sum of the plain likelihoods with each profile's own
     * parameters, computed here by hand from the note's formulas: alpha0 exp(-g1), a0 exp(g2), b0 exp(g3).
     */
    @Test
    void givenCoefficientsGiveEachProfileItsOwnParameters() {
        Map<String, Double> estimates = new TreeMap<>(Map.of("r", 0.5, "alpha", 2.0, "a", 1.5, "b", 3.0,
                "alpha:region=north", 0.7, "a:region=north", -0.2, "b:region=north", 0.4));
        CovariatePurchaseModel model = new CovariatePurchaseModel(Kind.BG_NBD, List.of("region"), estimates,
                TimeUnit.WEEK);
        BgNbdModel north = (BgNbdModel) model.forLevels(List.of("north"));
        assertEquals(2.0 * Math.exp(-0.7), north.alpha(), 1e-12);
        assertEquals(1.5 * Math.exp(-0.2), north.a(), 1e-12);
        assertEquals(3.0 * Math.exp(0.4), north.b(), 1e-12);
        assertEquals(0.5, north.r());
        BgNbdModel south = (BgNbdModel) model.forLevels(List.of("south"));
        assertEquals(2.0, south.alpha(), "a level without a coefficient is the base level");
        BgNbdModel missing = (BgNbdModel) model.forLevels(java.util.Arrays.asList((String) null));
        assertEquals(3.0, missing.b());
    }

    /** Pareto/NBD by the note: alpha0 exp(-g1'z), beta0 exp(-g2'z), summed over two attributes; r and s shared. */
    @Test
    void paretoNbdCoefficientsAddOverAttributes() {
        Map<String, Double> estimates = new TreeMap<>(Map.of("r", 0.5, "alpha", 10.0, "s", 0.6, "beta", 12.0,
                "alpha:region=north", 0.3, "beta:region=north", -0.5, "alpha:channel=web", 0.2,
                "beta:channel=web", 0.1));
        CovariatePurchaseModel model = new CovariatePurchaseModel(Kind.PARETO_NBD, List.of("region", "channel"),
                estimates, TimeUnit.WEEK);
        ParetoNbdModel both = (ParetoNbdModel) model.forLevels(List.of("north", "web"));
        assertEquals(10.0 * Math.exp(-(0.3 + 0.2)), both.alpha(), 1e-12);
        assertEquals(12.0 * Math.exp(-(-0.5 + 0.1)), both.beta(), 1e-12);
        assertEquals(0.6, both.s());
        assertEquals(0.5, both.r());
    }

    @Test
    void baseLevelIsTheLevelWithTheMostCustomersAndMissingIsALevel() {
        Map<List<String>, Long> counts = new LinkedHashMap<>();
        counts.put(List.of("email"), 30L);
        counts.put(List.of("organic"), 50L);
        counts.put(java.util.Arrays.asList((String) null), 5L);
        CovariateDesign design = CovariateDesign.of(COLUMNS, counts);
        assertEquals("organic", design.baseLevel(0));
        assertEquals(List.of("acquisition_channel=(missing)", "acquisition_channel=email"), design.dummyNames());
    }

    /** Companies have no gender: customer_type=company and gender=(missing) are one dummy twice. */
    @Test
    void attributesThatMarkTheSameCustomersAreRefused() {
        Map<List<String>, List<PurchasePattern>> data = new LinkedHashMap<>();
        data.put(Arrays.asList("person", "F"), List.of(new PurchasePattern(1, 2, 10, 10)));
        data.put(Arrays.asList("person", "M"), List.of(new PurchasePattern(2, 5, 10, 8)));
        data.put(Arrays.asList("person", "X"), List.of(new PurchasePattern(1, 4, 10, 2)));
        data.put(Arrays.asList("company", null), List.of(new PurchasePattern(0, 0, 10, 3)));
        Map<List<String>, Long> counts = new LinkedHashMap<>();
        data.forEach((levels, patterns) -> counts.put(levels, patterns.get(0).customers()));
        CovariateDesign design = CovariateDesign.of(List.of("customer_type", "gender"), counts);
        ModelFitException e = assertThrows(ModelFitException.class,
                () -> CovariatePurchaseModel.fit(Kind.BG_NBD, design, data, TimeUnit.WEEK));
        assertTrue(e.getMessage().contains("gender=(missing) is determined by the other levels (it marks the same"
                + " customers as customer_type=company)"), e.getMessage());
    }

    @Test
    void tooManyLevelsAreRefusedNamingTheColumn() {
        Map<List<String>, Long> counts = new LinkedHashMap<>();
        for (int i = 0; i <= CovariateDesign.MAX_DUMMIES + 1; i++) {
            counts.put(List.of("city" + i), 1L);
        }
        ModelFitException e = assertThrows(ModelFitException.class, () -> CovariateDesign.of(List.of("city"), counts));
        assertTrue(e.getMessage().contains("city has 22 levels"), e.getMessage());
    }

    static CovariateDesign design(String base, String other) {
        return CovariateDesign.withLevels(COLUMNS, List.of(List.of(base, other)));
    }

    static List<PurchasePattern> pooled(Map<List<String>, List<PurchasePattern>> data) {
        List<PurchasePattern> all = new ArrayList<>();
        data.values().forEach(all::addAll);
        return all;
    }

    static void assertWithinTwoStandardErrors(FitResult fit, String[] names, double[] truth, String channel) {
        for (int i = 0; i < names.length; i++) {
            double estimate = fit.estimate(names[i]);
            double error = fit.standardError(names[i]);
            assertTrue(error > 0 && error < truth[i], names[i] + " se " + error);
            assertTrue(Math.abs(estimate - truth[i]) <= 2 * error, channel + " " + names[i] + " = " + estimate
                    + " +- " + error + ", truth " + truth[i]);
        }
    }

    static void assertWithin(FitResult fit, String name, double truth) {
        double estimate = fit.estimate(name);
        double error = fit.standardError(name);
        assertTrue(Math.abs(estimate - truth) <= 2 * error, name + " = " + estimate + " +- " + error + ", truth " + truth);
    }

    static boolean outsideTwoStandardErrors(FitResult pooled, FitResult channelFit, String[] names,
            double[] truth) {
        boolean outside = false;
        for (int i = 1; i < names.length; i++) {
            outside |= Math.abs(pooled.estimate(names[i]) - truth[i]) > 2 * channelFit.standardError(names[i]);
        }
        return outside;
    }

    /**
     * BG/NBD: lambda ~ Gamma(r, alpha) (rate alpha), p ~ Beta(a, b); purchases at Poisson rate
     * lambda; after each repeat purchase the customer drops out with probability p. T is a whole
     * number of weeks from 26 to 78 (cohorts), so customers without repeat purchases share patterns.
     */
    static List<PurchasePattern> simulateBgNbd(RandomDataGenerator random, double[] theta, int customers) {
        List<PurchasePattern> patterns = new ArrayList<>();
        for (int i = 0; i < customers; i++) {
            double lambda = random.nextGamma(theta[0], 1 / theta[1]);
            double p = random.nextBeta(theta[2], theta[3]);
            double age = 26 + random.nextInt(53);
            int x = 0;
            double recency = 0;
            double t = random.nextExponential(1 / lambda);
            while (t <= age) {
                x++;
                recency = t;
                if (random.nextUniform(0, 1) < p) {
                    break;
                }
                t += random.nextExponential(1 / lambda);
            }
            patterns.add(PurchasePattern.ofCustomer(x, recency, age));
        }
        return aggregated(patterns);
    }

    /**
     * Pareto/NBD: lambda ~ Gamma(r, alpha), mu ~ Gamma(s, beta); purchases at Poisson rate lambda
     * during an exponential lifetime of rate mu; observed up to T.
     */
    static List<PurchasePattern> simulateParetoNbd(RandomDataGenerator random, double[] theta, int customers) {
        List<PurchasePattern> patterns = new ArrayList<>();
        for (int i = 0; i < customers; i++) {
            double lambda = random.nextGamma(theta[0], 1 / theta[1]);
            double mu = random.nextGamma(theta[2], 1 / theta[3]);
            double age = 26 + random.nextInt(53);
            double end = Math.min(age, random.nextExponential(1 / mu));
            int x = 0;
            double recency = 0;
            for (double t = random.nextExponential(1 / lambda); t <= end; t += random.nextExponential(1 / lambda)) {
                x++;
                recency = t;
            }
            patterns.add(PurchasePattern.ofCustomer(x, recency, age));
        }
        assertFalse(patterns.isEmpty());
        return aggregated(patterns);
    }

    /** Equal (x, t_x, T) merged into one weighted pattern, as the warehouse's SQL does. */
    private static List<PurchasePattern> aggregated(List<PurchasePattern> customers) {
        Map<List<Double>, Long> counts = new LinkedHashMap<>();
        customers.forEach(c -> counts.merge(List.of((double) c.frequency(), c.recency(), c.age()), 1L, Long::sum));
        List<PurchasePattern> patterns = new ArrayList<>();
        counts.forEach((k, n) -> patterns.add(new PurchasePattern(k.get(0).intValue(), k.get(1), k.get(2), n)));
        return patterns;
    }
}
