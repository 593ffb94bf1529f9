package org.crmwarehouse.model;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.crmwarehouse.model.clv.BgNbdModel;
import org.crmwarehouse.model.clv.ModifiedBgNbdModel;
import org.crmwarehouse.model.clv.ParetoNbdModel;
import org.crmwarehouse.model.clv.PurchaseCountModel;
import org.crmwarehouse.model.clv.PurchasePattern;
import org.crmwarehouse.model.clv.TimeUnit;

/**
 * The purchase-count models value_purchase_model chooses from, by their name in mart_model_fit:
 * fitting one, rebuilding one from its published estimates, and its parameter names.
 */
final class PurchaseModels {

    /** The models value_purchase_model: auto back-tests, in the order their rows are written. */
    static final List<String> CANDIDATES = List.of(BgNbdModel.NAME, ParetoNbdModel.NAME, ModifiedBgNbdModel.NAME);

    private PurchaseModels() {
    }

    /** mart_model_fit's name of a value_purchase_model choice other than auto. */
    static String nameOf(String choice) {
        return switch (choice.toLowerCase(Locale.ROOT)) {
            case "bgnbd" -> BgNbdModel.NAME;
            case "paretonbd" -> ParetoNbdModel.NAME;
            case "mbgnbd" -> ModifiedBgNbdModel.NAME;
            default -> throw new IllegalArgumentException("no purchase model '" + choice + "'");
        };
    }

    static String[] parameters(String model) {
        return model.equals(ParetoNbdModel.NAME) ? ModelFitModel.PARETO_NBD_PARAMETERS : ModelFitModel.BG_NBD_PARAMETERS;
    }

    /** Maximum-likelihood fit of the named model; throws ModelFitException as the models do. */
    static PurchaseCountModel fit(String model, List<PurchasePattern> patterns, TimeUnit unit) {
        return switch (model) {
            case BgNbdModel.NAME -> BgNbdModel.fit(patterns, unit);
            case ParetoNbdModel.NAME -> ParetoNbdModel.fit(patterns, unit);
            case ModifiedBgNbdModel.NAME -> ModifiedBgNbdModel.fit(patterns, unit);
            default -> throw new IllegalArgumentException("no purchase model '" + model + "'");
        };
    }

    /** The named model with given estimates (by parameter name). */
    static PurchaseCountModel of(String model, Map<String, Double> e, TimeUnit unit) {
        return switch (model) {
            case BgNbdModel.NAME -> new BgNbdModel(e.get("r"), e.get("alpha"), e.get("a"), e.get("b"), unit);
            case ParetoNbdModel.NAME -> new ParetoNbdModel(e.get("r"), e.get("alpha"), e.get("s"), e.get("beta"), unit);
            case ModifiedBgNbdModel.NAME -> new ModifiedBgNbdModel(e.get("r"), e.get("alpha"), e.get("a"), e.get("b"),
                    unit);
            default -> throw new IllegalArgumentException("no purchase model '" + model + "'");
        };
    }
}
