print("guardline")
