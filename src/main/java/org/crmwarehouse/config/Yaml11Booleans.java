package org.crmwarehouse.config;

import java.nio.file.Path;
import java.util.Optional;
import java.util.Set;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.common.ScalarStyle;
import org.snakeyaml.engine.v2.composer.Composer;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;
import org.snakeyaml.engine.v2.parser.ParserImpl;
import org.snakeyaml.engine.v2.scanner.StreamReader;

/**
 * Refuses unquoted YAML 1.1 booleans ({@code no}, {@code yes}, {@code on}, {@code off}, {@code y},
 * {@code True}...) as values. The loader reads YAML 1.2, where they are text, while most people
 * (and YAML 1.1 tools) mean a boolean: {@code header: no} used to read as header: true. Only plain
 * scalars are refused; a quoted {@code 'NO'} is text by intent. The tree Jackson builds does not
 * keep the scalar style, so this walks SnakeYAML Engine's node tree of the same text.
 */
final class Yaml11Booleans {
    private static final Set<String> WORDS = Set.of("y", "Y", "yes", "Yes", "YES", "n", "N", "no", "No", "NO",
            "on", "On", "ON", "off", "Off", "OFF", "True", "TRUE", "False", "FALSE");

    private Yaml11Booleans() {
    }

    static void refuse(Path file, String yaml) {
        LoadSettings settings = LoadSettings.builder().build();
        Optional<Node> root = new Composer(settings, new ParserImpl(settings, new StreamReader(settings, yaml)))
                .getSingleNode();
        root.ifPresent(node -> walk(file, node, ""));
    }

    private static void walk(Path file, Node node, String path) {
        if (node instanceof MappingNode mapping) {
            for (NodeTuple tuple : mapping.getValue()) {
                String key = tuple.getKeyNode() instanceof ScalarNode k ? k.getValue() : "?";
                walk(file, tuple.getValueNode(), path.isEmpty() ? key : path + "." + key);
            }
        } else if (node instanceof SequenceNode sequence) {
            for (int i = 0; i < sequence.getValue().size(); i++) {
                walk(file, sequence.getValue().get(i), path + "[" + i + "]");
            }
        } else if (node instanceof ScalarNode scalar && scalar.getScalarStyle() == ScalarStyle.PLAIN
                && WORDS.contains(scalar.getValue())) {
            int line = scalar.getStartMark().map(m -> m.getLine() + 1).orElse(0);
            throw new ConfigException(file, path + ": '" + scalar.getValue() + "' (line " + line + ") is a YAML 1.1 "
                    + "boolean, which YAML 1.2 reads as text: write true or false (or quote it if you mean the text)");
        }
    }
}
