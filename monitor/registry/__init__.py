"""monitor/registry"""
