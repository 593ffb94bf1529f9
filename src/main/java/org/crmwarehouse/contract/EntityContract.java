package org.crmwarehouse.contract;

import java.util.List;
import java.util.Optional;

/** One entity of the input contract: its columns in file order and its primary key. */
public record EntityContract(String name, String description, List<ColumnContract> columns) {

    public EntityContract {
        columns = List.copyOf(columns);
    }

    public List<ColumnContract> keyColumns() {
        return columns.stream().filter(ColumnContract::key).toList();
    }

    public List<String> columnNames() {
        return columns.stream().map(ColumnContract::name).toList();
    }

    public Optional<ColumnContract> column(String columnName) {
        return columns.stream().filter(c -> c.name().equals(columnName)).findFirst();
    }

    /** Entities this one refers to (itself included when it refers to itself). */
    public List<String> referencedEntities() {
        return columns.stream()
                .filter(c -> c.references() != null)
                .map(c -> c.references().entity())
                .distinct()
                .toList();
    }
}
