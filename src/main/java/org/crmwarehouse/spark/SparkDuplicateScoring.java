package org.crmwarehouse.spark;

import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.crmwarehouse.model.DuplicateCustomersModel;
import org.crmwarehouse.model.DuplicateCustomersModel.Customer;
import org.crmwarehouse.model.DuplicateCustomersModel.Pair;

/**
 * mart_duplicate_customers as a Spark job: the blocked candidate pairs of int_duplicate_candidates
 * are scored where they lie, on the executors, by {@link DuplicateCustomersModel#score} (the DuckDB
 * night's own rules), instead of being collected to the driver. Its input is the one Java model
 * input that grows with the customers (2.6 M pairs at 1 M customers); the other Java models read
 * aggregates. Row order is not kept: publish sorts each table on its unique key.
 */
public final class SparkDuplicateScoring {
    public static final String MODEL = DuplicateCustomersModel.NAME;

    /** The columns and types of the DuckDB model's table, in its order. */
    static final StructType SCHEMA = new StructType()
            .add("customer_id", DataTypes.StringType)
            .add("duplicate_customer_id", DataTypes.StringType)
            .add("name", DataTypes.StringType)
            .add("duplicate_name", DataTypes.StringType)
            .add("match_rule", DataTypes.StringType)
            .add("name_similarity", DataTypes.createDecimalType(9, 4))
            .add("jaro_winkler", DataTypes.createDecimalType(9, 4))
            .add("phone_match", DataTypes.BooleanType)
            .add("email_match", DataTypes.BooleanType)
            .add("same_city", DataTypes.BooleanType)
            .add("same_birth_date", DataTypes.BooleanType)
            .add("same_address", DataTypes.BooleanType)
            .add("owner_salesperson", DataTypes.StringType)
            .add("duplicate_owner_salesperson", DataTypes.StringType)
            .add("claim_conflict", DataTypes.BooleanType);

    private SparkDuplicateScoring() {
    }

    /** Scores the night's candidate pairs (views int_duplicate_candidates and run_parameters). */
    public static Dataset<Row> score(SparkSession spark) {
        Row parameters = spark.sql("SELECT CAST(dup_name_similarity_with_contact AS DOUBLE),"
                + " CAST(dup_name_similarity_min AS DOUBLE) FROM run_parameters").first();
        double withContact = parameters.getDouble(0);
        double min = parameters.getDouble(1);
        checkOneSetOfAttributesPerCustomer(spark);
        Dataset<Row> pairs = spark.sql("SELECT customer_id, name, city, address, owner_salesperson,"
                + " duplicate_customer_id, duplicate_name, duplicate_city, duplicate_address,"
                + " duplicate_owner_salesperson,"
                + " coalesce(phone_key = duplicate_phone_key, false) AS phone,"
                + " coalesce(email_key = duplicate_email_key, false) AS email,"
                + " coalesce(birth_date = duplicate_birth_date, false) AS birth"
                + " FROM int_duplicate_candidates");
        FlatMapFunction<Row, Row> scorer = row -> scored(row, withContact, min);
        return pairs.flatMap(scorer, Encoders.row(SCHEMA));
    }

    private static Iterator<Row> scored(Row r, double withContact, double min) {
        Customer a = Customer.of(r.getString(0), r.getString(1), r.getString(2), r.getString(3), r.getString(4));
        Customer b = Customer.of(r.getString(5), r.getString(6), r.getString(7), r.getString(8), r.getString(9));
        Pair p = DuplicateCustomersModel.score(a, b, r.getBoolean(10), r.getBoolean(11), r.getBoolean(12), withContact,
                min);
        if (p == null) {
            return java.util.Collections.emptyIterator();
        }
        return List.of(RowFactory.create(p.customerId(), p.duplicateId(), p.name(), p.duplicateName(), p.rule(),
                DuplicateCustomersModel.round4(p.similarity()), DuplicateCustomersModel.round4(p.jaroWinkler()),
                p.phoneMatch(), p.emailMatch(), p.sameCity(), p.sameBirthDate(), p.sameAddress(), p.owner(),
                p.duplicateOwner(), p.claimConflict())).iterator();
    }

    /** As the DuckDB model: a customer named in several pairs must have the same attributes in each. */
    private static void checkOneSetOfAttributesPerCustomer(SparkSession spark) {
        List<Row> conflicting = spark.sql("SELECT customer_id FROM (SELECT DISTINCT * FROM ("
                + "SELECT customer_id, name, city, address, owner_salesperson FROM int_duplicate_candidates"
                + " UNION ALL SELECT duplicate_customer_id, duplicate_name, duplicate_city, duplicate_address,"
                + " duplicate_owner_salesperson FROM int_duplicate_candidates)) GROUP BY customer_id"
                + " HAVING count(*) > 1 ORDER BY customer_id LIMIT 1").collectAsList();
        if (!conflicting.isEmpty()) {
            throw new IllegalStateException("int_duplicate_candidates: customer " + conflicting.get(0).getString(0)
                    + " has more than one set of attributes");
        }
    }
}
