#include <exception>
#include <iostream>
#include <string>
#include <vector>

#include "app/commands.hpp"

int main(int argc, char** argv) {
    try {
        return onton::app::Main(std::vector<std::string>(argv + 1, argv + argc));
    } catch (const std::exception& e) {
        std::cerr << "onton: fatal: " << e.what() << "\n";
        return 1;
    }
}
