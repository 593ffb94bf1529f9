package org.crmwarehouse.transform;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Set;

/**
 * A model whose table is built by Java code instead of one SELECT: for computations SQL does not
 * express well, such as maximum-likelihood fits. It takes part in the transform step like a SQL
 * model: it is built once its dependencies are built, its data tests run, it is documented by a
 * YAML file {@code sql/<layer>/<name>.yml} (the folder gives its layer, hence whether it is
 * published) and listed in the data dictionary.
 *
 * <p>Implementations are registered in {@code META-INF/services/org.crmwarehouse.transform.JavaModel}
 * (a {@link java.util.ServiceLoader} file), so adding one needs no change to the runner.
 */
public interface JavaModel {

    /** The table the model creates (or replaces). */
    String name();

    /** The models and {@code valid_<entity>} tables it reads (run_parameters is always there). */
    Set<String> dependencies();

    /**
     * Creates or replaces the table {@link #name()} from its dependencies; reads parameters from
     * {@code run_parameters}. Throw to fail the step: nothing is published then.
     */
    void build(Connection db) throws SQLException;

    /**
     * The model's version, published in warehouse_models so a night's figures can be traced to the
     * code that made them (a SQL model's version is its file's hash). Raise it with every change
     * that can change the table's content.
     */
    default String version() {
        return "1";
    }
}
