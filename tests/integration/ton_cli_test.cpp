// `onton ton address|boc` run as a real binary: what an operator sees.
#include <gtest/gtest.h>

#include "support/process.hpp"

namespace onton::test {
namespace {

bool Contains(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}

TEST(TonCli, AddressPrintsEveryForm) {
    const auto r = RunOnton({"ton", "address", "0QAs9VlT6S776tq3unJcP5Ogsj-ELLunLXuOb1EKcOQi4-QO"}, {});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    for (const char* form : {"0:2cf55953e92efbeadab7ba725c3f93a0b23f842cbba72d7b8e6f510a70e422e3",
                             "EQAs9VlT6S776tq3unJcP5Ogsj-ELLunLXuOb1EKcOQi4wJB",
                             "UQAs9VlT6S776tq3unJcP5Ogsj-ELLunLXuOb1EKcOQi41-E",
                             "kQAs9VlT6S776tq3unJcP5Ogsj-ELLunLXuOb1EKcOQi47nL",
                             "0QAs9VlT6S776tq3unJcP5Ogsj-ELLunLXuOb1EKcOQi4-QO",
                             "EQAs9VlT6S776tq3unJcP5Ogsj+ELLunLXuOb1EKcOQi4wJB",
                             "non-bounceable, testnet, url-safe"}) {
        EXPECT_TRUE(Contains(r.out, form)) << form << "\n" << r.out;
    }
    const auto raw = RunOnton({"ton", "address", " -1:" + std::string(64, '3') + "\n"}, {});
    EXPECT_EQ(raw.exit_code, 0);
    EXPECT_TRUE(Contains(raw.out, "workchain:                        -1")) << raw.out;
}

TEST(TonCli, BocPrintsTheCellTreeWithHashes) {
    // u32 987654321 with three refs to the same u32 123456789 cell (ton-core serialization.spec.ts).
    for (const char* boc : {"te6cckEBAgEADwADCDreaLEBAQEACAdbzRWpQD2p",
                            "b5ee9c7241010201000f0003083ade68b10101010008075bcd15a9403da9"}) {
        const auto r = RunOnton({"ton", "boc", boc}, {});
        ASSERT_EQ(r.exit_code, 0) << r.err;
        EXPECT_TRUE(Contains(r.out,
                             "x{3ADE68B1} bits=32 refs=3 depth=1 "
                             "hash=724b34c1b7ea15913dff26f4b16316406a23d1704e2e4522f9a5f9c6927a8e30"))
            << r.out;
        EXPECT_TRUE(Contains(r.out,
                             "x{075BCD15} bits=32 refs=0 depth=0 "
                             "hash=91e353dfca30bc835a6181f062313547c1d8934735352307ef6bbefda309fb57"))
            << r.out;
        EXPECT_TRUE(Contains(r.out, "cells: 2 distinct")) << r.out;
    }
}

TEST(TonCli, ErrorsAndHelp) {
    const auto bad_address =
        RunOnton({"ton", "address", "EQAs9VlT6S776tq3unJcP5Ogsj-ELLunLXuOb1EKcOQi4wJC"}, {});
    EXPECT_EQ(bad_address.exit_code, 1);
    EXPECT_TRUE(Contains(bad_address.err, "CRC16")) << bad_address.err;
    const auto bad_boc = RunOnton({"ton", "boc", "te6cckEBAQEAAgAAAEysuc1="}, {});
    EXPECT_EQ(bad_boc.exit_code, 1);
    EXPECT_TRUE(Contains(bad_boc.err, "invalid bag of cells")) << bad_boc.err;
    EXPECT_EQ(RunOnton({"ton"}, {}).exit_code, 2);
    EXPECT_EQ(RunOnton({"ton", "frob", "x"}, {}).exit_code, 2);
    const auto help = RunOnton({"ton", "--help"}, {});
    EXPECT_EQ(help.exit_code, 0);
    EXPECT_TRUE(Contains(help.out, "Usage: onton ton")) << help.out;
    EXPECT_TRUE(Contains(RunOnton({"--help"}, {}).out, "ton "));
}

}  // namespace
}  // namespace onton::test
