#include "domain/orders/state_machine.hpp"

#include <gtest/gtest.h>

namespace onton::orders {
namespace {

TEST(OrderStateMachine, OnlyTheDesignedTransitions) {
    const OrderState all[] = {OrderState::kCreated, OrderState::kPaid,   OrderState::kExpired,
                              OrderState::kCanceled, OrderState::kFailed, OrderState::kRefunded};
    int allowed = 0;
    for (const auto from : all) {
        for (const auto to : all) {
            const bool expected = (from == OrderState::kCreated &&
                                   (to == OrderState::kPaid || to == OrderState::kExpired ||
                                    to == OrderState::kCanceled || to == OrderState::kFailed)) ||
                                  (from == OrderState::kPaid && to == OrderState::kRefunded) ||
                                  // a late payment while the seats are still free (the payment watcher)
                                  (from == OrderState::kExpired && to == OrderState::kPaid);
            EXPECT_EQ(IsAllowed(from, to), expected) << StateName(from) << " -> " << StateName(to);
            allowed += IsAllowed(from, to) ? 1 : 0;
        }
    }
    EXPECT_EQ(allowed, 6);
}

TEST(OrderStateMachine, NamesRoundTrip) {
    for (const auto s : {OrderState::kCreated, OrderState::kPaid, OrderState::kExpired, OrderState::kCanceled,
                         OrderState::kFailed, OrderState::kRefunded}) {
        EXPECT_EQ(ParseState(StateName(s)), s);
    }
    EXPECT_FALSE(ParseState("shipped"));
}

}  // namespace
}  // namespace onton::orders
