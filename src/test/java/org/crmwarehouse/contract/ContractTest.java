package org.crmwarehouse.contract;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class ContractTest {
    private final Contract contract = Contract.standard();

    @Test
    void referenceOrderPutsReferencedEntitiesFirst() {
        List<String> order = contract.inReferenceOrder().stream().map(EntityContract::name).toList();
        assertThat(order).containsExactlyInAnyOrder(
                "customers", "leads", "campaigns", "funnel_events", "orders", "payments", "contacts", "expenses",
                "subscriptions");
        assertThat(order.indexOf("customers")).isLessThan(order.indexOf("orders"));
        assertThat(order.indexOf("campaigns")).isLessThan(order.indexOf("leads"));
        assertThat(order.indexOf("leads")).isLessThan(order.indexOf("funnel_events"));
        // every reference points backwards (or to the entity itself)
        for (EntityContract e : contract.inReferenceOrder()) {
            for (String r : e.referencedEntities()) {
                assertThat(order.indexOf(r)).as(e.name() + " -> " + r).isLessThanOrEqualTo(order.indexOf(e.name()));
            }
        }
    }

    @Test
    void orderKeyIsOrderIdAndLineNo() {
        assertThat(contract.entity("orders").keyColumns()).extracting(ColumnContract::name)
                .containsExactly("order_id", "line_no");
    }
}
