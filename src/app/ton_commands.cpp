// `onton ton`: operator tools over the ton/ library (print every form of an address, dump a BOC as a cell
// tree). Pure text in, text out: no configuration, no database.
#include <iostream>
#include <iterator>
#include <set>
#include <sstream>

#include "app/commands.hpp"
#include "ton/address.hpp"
#include "ton/boc.hpp"

namespace onton::app {
namespace {

constexpr const char* kTonUsage = R"(Usage: onton ton <task> ARG

Tasks:
  address ADDR  print every form of a TON address: raw (the canonical form we store), bounceable and
                non-bounceable, mainnet and testnet, url-safe and standard base64. ADDR is any of them.
  boc BOC       print the cell tree of a bag of cells given in base64 (either alphabet) or hex (auto-detected),
                or '-' to read it from standard input: each cell's bits in hex (Fift notation, '_' marks a
                completion tag), bit and ref counts, depth and representation hash. A cell shared by several
                parents is printed once; later occurrences point back to it by hash.

Options:
  -h, --help    show this help
)";

void PrintAddress(const ton::ParsedAddress& parsed) {
    const ton::Address& a = parsed.address;
    std::cout << "raw:                              " << a.ToRaw() << "\n"
              << "workchain:                        " << static_cast<int>(a.workchain) << "\n"
              << "bounceable:                       " << a.ToString(true, false, true) << "\n"
              << "non-bounceable:                   " << a.ToString(false, false, true) << "\n"
              << "testnet bounceable:               " << a.ToString(true, true, true) << "\n"
              << "testnet non-bounceable:           " << a.ToString(false, true, true) << "\n"
              << "bounceable (std base64):          " << a.ToString(true, false, false) << "\n"
              << "non-bounceable (std base64):      " << a.ToString(false, false, false) << "\n"
              << "testnet bounceable (std base64):  " << a.ToString(true, true, false) << "\n"
              << "testnet non-bounceable (std b64): " << a.ToString(false, true, false) << "\n";
    std::cout << "input:                            ";
    if (!parsed.user_friendly) {
        std::cout << "raw\n";
        return;
    }
    std::cout << "user-friendly, " << (parsed.bounceable ? "bounceable" : "non-bounceable") << ", "
              << (parsed.testnet ? "testnet" : "mainnet") << ", "
              << (parsed.url_safe ? "url-safe" : "standard") << " base64\n";
}

/// Depth-first print; `printed` keeps a shared cell from being expanded twice, which also bounds the output
/// of a hostile DAG (a chain of cells each referring four times to the next) to one line per distinct cell
/// and ref.
void PrintCell(const ton::CellPtr& cell, std::size_t indent, std::set<ton::CellHash>& printed) {
    const std::string pad(indent * 2, ' ');
    const std::string hash = ton::ToHex(cell->hash());
    if (printed.contains(cell->hash())) {
        std::cout << pad << "^ " << hash << " (shown above)\n";
        return;
    }
    printed.insert(cell->hash());
    std::cout << pad << "x{" << cell->BitsHex() << "} bits=" << cell->bit_size()
              << " refs=" << cell->refs().size() << " depth=" << cell->depth() << " hash=" << hash << "\n";
    for (const auto& ref : cell->refs()) PrintCell(ref, indent + 1, printed);
}

int TonAddress(const std::string& arg) {
    // Pasted addresses often carry a newline or spaces; the library itself accepts exact text only.
    const auto first = arg.find_first_not_of(" \t\r\n");
    const std::string text =
        first == std::string::npos ? "" : arg.substr(first, arg.find_last_not_of(" \t\r\n") - first + 1);
    auto parsed = ton::ParseAddress(text);
    if (!parsed) {
        std::cerr << "onton ton address: " << parsed.error().message << "\n";
        return 1;
    }
    PrintAddress(*parsed);
    return 0;
}

int TonBoc(const std::string& arg) {
    std::string text = arg;
    if (arg == "-") text.assign(std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>());
    auto roots = ton::ParseBocText(text);
    if (!roots) {
        std::cerr << "onton ton boc: " << roots.error().message << "\n";
        return 1;
    }
    std::set<ton::CellHash> printed;
    for (std::size_t i = 0; i < roots->size(); ++i) {
        std::cout << "root " << i << ":\n";
        PrintCell((*roots)[i], 1, printed);
    }
    std::cout << "cells: " << printed.size() << " distinct\n";
    return 0;
}

}  // namespace

int RunTon(const std::vector<std::string>& args) {
    for (const auto& a : args) {
        if (a == "-h" || a == "--help") {
            std::cout << kTonUsage;
            return 0;
        }
    }
    if (args.size() != 2 || (args[0] != "address" && args[0] != "boc")) {
        std::cerr << "onton ton: expected 'address ADDR' or 'boc BOC'\n" << kTonUsage;
        return 2;
    }
    return args[0] == "address" ? TonAddress(args[1]) : TonBoc(args[1]);
}

}  // namespace onton::app
