package org.crmwarehouse.transform;

import java.util.Set;

/**
 * One SQL model: a file {@code sql/<layer>/<name>.sql} holding a single SELECT, materialised as
 * the table {@code <name>}, with its documentation and data tests from {@code <name>.yml}.
 */
public record SqlModel(String name, Layer layer, String sql, ModelDoc doc, Set<String> dependencies) {

    public enum Layer {
        STAGING, INTERMEDIATE, MARTS;

        static Layer ofFolder(String folder) {
            return switch (folder) {
                case "staging" -> STAGING;
                case "intermediate" -> INTERMEDIATE;
                case "marts" -> MARTS;
                default -> throw new IllegalArgumentException("unknown model folder '" + folder
                        + "': models live in sql/staging, sql/intermediate or sql/marts");
            };
        }

        public String folder() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** Staging and mart tables are published; intermediate ones are building blocks only. */
    public boolean published() {
        return layer != Layer.INTERMEDIATE;
    }
}
