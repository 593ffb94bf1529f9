package org.crmwarehouse.transform;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.crmwarehouse.contract.Contract;
import org.crmwarehouse.sql.Sql;
import org.springframework.core.io.Resource;
import org.springframework.core.io.support.PathMatchingResourcePatternResolver;
import tools.jackson.databind.JsonNode;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * Every SQL model of {@code sql/}, in dependency order, with its documentation, and the model
 * parameters declared in {@code sql/parameters/*.yml} (one file per subject area). Dependencies are the other models (and the
 * {@code valid_<entity>} tables) a model's SQL names; no templating is needed, so the files stay
 * plain SQL that any engine can read.
 */
public final class ModelCatalog {
    /** sql/engine holds the engine seam's functions, not models. */
    private static final String ENGINE_FOLDER = "engine";
    private static final String PARAMETERS_FOLDER = "parameters";
    private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    private final List<SqlModel> models;
    private final List<ModelParameter> parameters;
    private final Map<String, JavaModel> javaModels;

    private ModelCatalog(List<SqlModel> models, List<ModelParameter> parameters, Map<String, JavaModel> javaModels) {
        this.models = List.copyOf(models);
        this.parameters = List.copyOf(parameters);
        this.javaModels = Map.copyOf(javaModels);
    }

    /** The models packaged with the application (the repository's sql/ folder). */
    public static ModelCatalog packaged(Contract contract) {
        try {
            PathMatchingResourcePatternResolver resolver = new PathMatchingResourcePatternResolver();
            Map<String, String> sqlByPath = new TreeMap<>();
            Map<String, String> docByPath = new HashMap<>();
            for (Resource r : resolver.getResources("classpath*:sql/*/*.sql")) {
                String path = layerAndName(r);
                if (!path.startsWith(ENGINE_FOLDER + "/")) {
                    sqlByPath.put(path, read(r));
                }
            }
            for (Resource r : resolver.getResources("classpath*:sql/*/*.yml")) {
                String path = layerAndName(r);
                if (!path.startsWith(PARAMETERS_FOLDER + "/")) {
                    docByPath.put(path, read(r));
                }
            }
            // keyed by file like the models: a classpath can name one folder twice (a manifest-only
            // jar's Class-Path, as surefire's, is scanned as well as the entries it adds)
            Map<String, String> parameterFiles = new TreeMap<>();
            for (Resource r : resolver.getResources("classpath*:sql/parameters/*.yml")) {
                parameterFiles.put(layerAndName(r), read(r));
            }
            List<JavaModel> javaModels = new ArrayList<>();
            ServiceLoader.load(JavaModel.class, ModelCatalog.class.getClassLoader()).forEach(javaModels::add);
            return of(sqlByPath, docByPath, new ArrayList<>(parameterFiles.values()), contract, javaModels);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list the packaged SQL models", e);
        }
    }

    /**
     * Builds a catalog from model texts keyed by "layer/name".
     *
     * @param parameterFiles the texts of the sql/parameters/*.yml files
     */
    static ModelCatalog of(Map<String, String> sqlByPath, Map<String, String> docByPath, List<String> parameterFiles,
            Contract contract) {
        return of(sqlByPath, docByPath, parameterFiles, contract, List.of());
    }

    /**
     * Builds a catalog from model texts keyed by "layer/name" plus Java models, each documented by
     * a "layer/name" entry of {@code docByPath} (the layer is the folder its YAML is in).
     */
    static ModelCatalog of(Map<String, String> sqlByPath, Map<String, String> docByPath, List<String> parameterFiles,
            Contract contract, List<JavaModel> javaModels) {
        Map<String, String> layerByName = new LinkedHashMap<>();
        for (String path : sqlByPath.keySet()) {
            String[] parts = path.split("/");
            String name = Sql.requireSimpleName("model", parts[1]);
            if (layerByName.put(name, parts[0]) != null) {
                throw new IllegalStateException("two models are named " + name);
            }
        }
        Set<String> names = new LinkedHashSet<>(layerByName.keySet());
        contract.entities().forEach(e -> names.add("valid_" + e.name()));
        Map<String, JavaModel> javaByName = new LinkedHashMap<>();
        for (JavaModel java : javaModels) {
            String name = Sql.requireSimpleName("model", java.name());
            if (layerByName.containsKey(name) || javaByName.put(name, java) != null) {
                throw new IllegalStateException("two models are named " + name);
            }
            names.add(name);
        }
        List<SqlModel> unordered = new ArrayList<>();
        for (JavaModel java : javaByName.values()) {
            String docPath = docByPath.keySet().stream().filter(p -> p.endsWith("/" + java.name())).findFirst()
                    .orElseThrow(() -> new IllegalStateException("Java model " + java.name() + " ("
                            + java.getClass().getName() + ") has no documentation file sql/<layer>/" + java.name() + ".yml"));
            String folder = docPath.substring(0, docPath.indexOf('/'));
            ModelDoc doc = ModelDocReader.read("sql/" + docPath + ".yml", docByPath.get(docPath), java.name(), contract);
            Set<String> deps = new LinkedHashSet<>(java.dependencies());
            unordered.add(new SqlModel(java.name(), SqlModel.Layer.ofFolder(folder),
                    "-- built in Java by " + java.getClass().getName(), doc, deps));
        }
        for (Map.Entry<String, String> e : sqlByPath.entrySet()) {
            String[] parts = e.getKey().split("/");
            String docText = docByPath.get(e.getKey());
            if (docText == null) {
                throw new IllegalStateException("model sql/" + e.getKey() + ".sql has no documentation file sql/"
                        + e.getKey() + ".yml");
            }
            ModelDoc doc = ModelDocReader.read("sql/" + e.getKey() + ".yml", docText, parts[1], contract);
            Set<String> deps = referencedNames(e.getValue(), names);
            deps.remove(parts[1]);
            unordered.add(new SqlModel(parts[1], SqlModel.Layer.ofFolder(parts[0]), e.getValue(), doc, deps));
        }
        List<ModelParameter> parameters = new ArrayList<>();
        parameterFiles.forEach(text -> parameters.addAll(ModelParameter.parse(text)));
        for (ModelParameter p : parameters) {
            String refusal = p.refusal(p.typedDefault());
            if (refusal != null) {
                throw new IllegalStateException("sql/parameters: the default of " + p.name() + " " + refusal);
            }
        }
        return new ModelCatalog(inDependencyOrder(unordered), parameters, javaByName);
    }

    /** The Java code building a model, when it is a {@link JavaModel} rather than a SQL file. */
    public Optional<JavaModel> javaModel(String name) {
        return Optional.ofNullable(javaModels.get(name));
    }

    public List<SqlModel> models() {
        return models;
    }

    public List<ModelParameter> parameters() {
        return parameters;
    }

    public List<SqlModel> publishedModels() {
        return models.stream().filter(SqlModel::published).toList();
    }

    public SqlModel model(String name) {
        return models.stream().filter(m -> m.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no model named " + name));
    }

    private static List<SqlModel> inDependencyOrder(List<SqlModel> models) {
        Map<String, SqlModel> byName = new LinkedHashMap<>();
        models.forEach(m -> byName.put(m.name(), m));
        List<SqlModel> ordered = new ArrayList<>();
        Set<String> done = new LinkedHashSet<>();
        while (ordered.size() < models.size()) {
            boolean progressed = false;
            for (SqlModel m : byName.values()) {
                if (done.contains(m.name())) {
                    continue;
                }
                boolean ready = m.dependencies().stream().allMatch(d -> done.contains(d) || !byName.containsKey(d));
                if (ready) {
                    ordered.add(m);
                    done.add(m.name());
                    progressed = true;
                }
            }
            if (!progressed) {
                List<String> stuck = byName.keySet().stream().filter(n -> !done.contains(n)).toList();
                throw new IllegalStateException("SQL models depend on each other in a cycle: " + stuck);
            }
        }
        return ordered;
    }

    /** Names from {@code candidates} that appear as identifiers outside comments and string literals. */
    static Set<String> referencedNames(String sql, Set<String> candidates) {
        String code = sql.replaceAll("(?s)/\\*.*?\\*/", " ").replaceAll("--[^\\n]*", " ").replaceAll("'(?:[^']|'')*'", "''");
        Set<String> found = new LinkedHashSet<>();
        Matcher m = IDENTIFIER.matcher(code);
        while (m.find()) {
            if (candidates.contains(m.group())) {
                found.add(m.group());
            }
        }
        return found;
    }

    private static String layerAndName(Resource r) throws IOException {
        String url = r.getURL().toString();
        String[] parts = url.split("/");
        String file = parts[parts.length - 1];
        return parts[parts.length - 2] + "/" + file.substring(0, file.lastIndexOf('.'));
    }

    private static String read(Resource r) throws IOException {
        try (InputStream in = r.getInputStream()) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    static JsonNode yaml(String origin, String text) {
        try {
            return new YAMLMapper().readTree(text);
        } catch (RuntimeException e) {
            throw new IllegalStateException(origin + " is not valid YAML: " + e.getMessage(), e);
        }
    }
}
