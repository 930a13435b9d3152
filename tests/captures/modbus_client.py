#!/usr/bin/python3
"""Modbus/TCP client for the test captures: one request of each common kind.

Usage: modbus_client.py PORT
"""
import sys
import time

from pymodbus.client import ModbusTcpClient


def main():
    port = int(sys.argv[1])
    client = ModbusTcpClient("127.0.0.1", port=port, timeout=3)
    if not client.connect():
        sys.exit("cannot connect")
    steps = [
        lambda: client.read_coils(0, 13, slave=1),
        lambda: client.read_discrete_inputs(5, 10, slave=1),
        lambda: client.read_holding_registers(0, 5, slave=1),
        lambda: client.read_input_registers(10, 3, slave=1),
        lambda: client.write_coil(4, True, slave=1),
        lambda: client.write_register(2, 4321, slave=1),
        lambda: client.write_coils(8, [True, False, True, True, False, False, True, False, True], slave=1),
        lambda: client.write_registers(20, [1, 65535, 32768], slave=1),
        lambda: client.read_holding_registers(0, 5, slave=1),
        lambda: client.readwrite_registers(read_address=20, read_count=3, write_address=30,
                                           write_registers=[7, 8], unit=1),
        lambda: client.mask_write_register(address=2, and_mask=0x00f2, or_mask=0x0025, unit=1),
        # Beyond the 100 registers the server has: exception 2.
        lambda: client.read_holding_registers(500, 4, slave=1),
        lambda: client.write_register(900, 1, slave=1),
    ]
    for step in steps:
        rr = step()
        print(rr)
        time.sleep(0.05)
    client.close()


if __name__ == "__main__":
    main()
