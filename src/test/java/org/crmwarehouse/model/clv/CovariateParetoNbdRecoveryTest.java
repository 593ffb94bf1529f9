package org.crmwarehouse.model.clv;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.crmwarehouse.model.clv.CovariatePurchaseModel.Kind;
import org.hipparchus.random.RandomDataGenerator;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Issue 15 item 3 for Pareto/NBD, as {@link CovariatePurchaseModelTest} does for BG/NBD: 16,000
 * simulated customers of two channels with known parameters. Some 20 s (the likelihood needs the
 * Gauss hypergeometric function), so it runs with -Pacceptance.
 */
@Tag("acceptance")
class CovariateParetoNbdRecoveryTest {

    /** Pareto/NBD truth: r, s shared; "organic" alpha 4, beta 10; "paid_search" alpha 10, beta 3. */
    private static final double[] ORGANIC_PARETO = {CovariatePurchaseModelTest.R, 4.0, 0.6, 10.0};
    private static final double[] PAID_PARETO = {CovariatePurchaseModelTest.R, 10.0, 0.6, 3.0};

    @Test
    void paretoNbdCovariateFitRecoversBothChannelsAndThePooledFitDoesNot() {
        RandomDataGenerator random = new RandomDataGenerator(19_870_101L);
        Map<List<String>, List<PurchasePattern>> data = new LinkedHashMap<>();
        data.put(List.of("organic"), CovariatePurchaseModelTest.simulateParetoNbd(random, ORGANIC_PARETO, 8_000));
        data.put(List.of("paid_search"), CovariatePurchaseModelTest.simulateParetoNbd(random, PAID_PARETO, 8_000));
        String[] names = {"r", "alpha", "s", "beta"};
        CovariatePurchaseModel organicBase = CovariatePurchaseModel.fit(Kind.PARETO_NBD,
                CovariatePurchaseModelTest.design("organic", "paid_search"), data, TimeUnit.WEEK);
        CovariatePurchaseModel paidBase = CovariatePurchaseModel.fit(Kind.PARETO_NBD,
                CovariatePurchaseModelTest.design("paid_search", "organic"), data, TimeUnit.WEEK);
        CovariatePurchaseModelTest.assertWithinTwoStandardErrors(organicBase.fitResult(), names, ORGANIC_PARETO, "organic");
        CovariatePurchaseModelTest.assertWithinTwoStandardErrors(paidBase.fitResult(), names, PAID_PARETO, "paid_search");
        CovariatePurchaseModelTest.assertWithin(organicBase.fitResult(), "beta:acquisition_channel=paid_search", -Math.log(3.0 / 10.0));
        FitResult pooled = ParetoNbdModel.fit(CovariatePurchaseModelTest.pooled(data), TimeUnit.WEEK).fitResult();
        assertTrue(CovariatePurchaseModelTest.outsideTwoStandardErrors(pooled, organicBase.fitResult(), names, ORGANIC_PARETO)
                || CovariatePurchaseModelTest.outsideTwoStandardErrors(pooled, paidBase.fitResult(), names, PAID_PARETO),
                "pooled " + pooled.estimates() + " should miss a channel's truth");
    }

}
