package org.crmwarehouse.model;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import org.crmwarehouse.model.clv.BgNbdModel;
import org.crmwarehouse.sql.Db;
import org.crmwarehouse.sql.Sql;

/**
 * Which purchase-count model the night fits and why: the one value_purchase_model names, or under
 * auto the candidate with the smallest back-test error in mart_model_backtest, the mean absolute
 * error per customer of the holdout purchases (ties: BG/NBD, Pareto/NBD, MBG/NBD in that order).
 * Without a back-test to choose by (off, or skipped: too little data) auto fits BG/NBD and says so.
 */
record PurchaseModelChoice(String model, String reason) {

    /** The column of mart_model_fit that says it, on the chosen model's rows. */
    static final String COLUMN = "model_choice";

    static PurchaseModelChoice of(Connection db, ValueParameters parameters) throws SQLException {
        if (!parameters.isAutoPurchaseModel()) {
            return new PurchaseModelChoice(parameters.purchaseModelName(),
                    "value_purchase_model: " + parameters.purchaseModel());
        }
        record Tested(String model, double error, long customers, int holdout, String calibrationEnd) {
        }
        List<Tested> tested = new ArrayList<>();
        List<String> untested = new ArrayList<>();
        try (Statement s = db.createStatement(); ResultSet rs = s.executeQuery("SELECT model, measure, error, customers,"
                + " holdout_periods, CAST(calibration_end AS VARCHAR), note FROM " + ModelBacktestModel.NAME
                + " WHERE model IN (" + PurchaseModels.CANDIDATES.stream().map(Sql::literal).collect(Collectors.joining(", "))
                + ") AND measure IN ('" + ModelBacktestModel.MEAN_ABSOLUTE_ERROR + "', '" + ModelBacktestModel.SKIPPED
                + "')")) {
            while (rs.next()) {
                if (rs.getString(2).equals(ModelBacktestModel.SKIPPED) || rs.getObject(3) == null) {
                    untested.add(rs.getString(1) + " " + rs.getString(7));
                } else {
                    tested.add(new Tested(rs.getString(1), rs.getDouble(3), rs.getLong(4), rs.getInt(5), rs.getString(6)));
                }
            }
        }
        if (tested.isEmpty()) {
            return new PurchaseModelChoice(BgNbdModel.NAME, "value_purchase_model: auto, no back-test to choose by ("
                    + (untested.isEmpty() ? "none ran" : String.join("; ", untested)) + "): " + BgNbdModel.NAME
                    + ", the default");
        }
        tested.sort(Comparator.comparingDouble(Tested::error)
                .thenComparingInt(t -> PurchaseModels.CANDIDATES.indexOf(t.model())));
        Tested best = tested.get(0);
        String errors = tested.stream().map(t -> t.model() + " " + String.format(Locale.ROOT, "%.4f", t.error()))
                .collect(Collectors.joining(", "));
        return new PurchaseModelChoice(best.model(), "value_purchase_model: auto: smallest back-test mean absolute"
                + " error of holdout purchases per customer (" + best.customers() + " customers, " + best.holdout() + " "
                + parameters.timeUnitName() + "s after " + best.calibrationEnd() + "): " + errors
                + (untested.isEmpty() ? "" : "; not compared: " + String.join("; ", untested)));
    }

    /** Adds mart_model_fit.model_choice: this choice on the purchase model's rows, NULL on the others. */
    void record(Connection db) throws SQLException {
        Db.execute(db, "ALTER TABLE " + ModelFitModel.NAME + " ADD COLUMN " + COLUMN + " VARCHAR");
        Db.execute(db, "UPDATE " + ModelFitModel.NAME + " SET " + COLUMN + " = " + Sql.literal(reason)
                + " WHERE model = " + Sql.literal(model));
    }

    /** The purchase-count model mart_model_fit holds rows of (fitted or skipped), or null when none. */
    static String fittedModel(Connection db) throws SQLException {
        List<String> models = Db.queryStrings(db, "SELECT DISTINCT model FROM " + ModelFitModel.NAME + " WHERE model IN ("
                + PurchaseModels.CANDIDATES.stream().map(Sql::literal).collect(Collectors.joining(", ")) + ")");
        return models.isEmpty() ? null : models.get(0);
    }
}
