// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IERC20Errors} from "@openzeppelin/contracts/interfaces/draft-IERC6093.sol";
import {ERC20Permit} from "@openzeppelin/contracts/token/ERC20/extensions/ERC20Permit.sol";
import {ERC20Votes} from "@openzeppelin/contracts/token/ERC20/extensions/ERC20Votes.sol";
import {IVotes} from "@openzeppelin/contracts/governance/utils/IVotes.sol";
import {Votes} from "@openzeppelin/contracts/governance/utils/Votes.sol";
import {Nonces} from "@openzeppelin/contracts/utils/Nonces.sol";
import {Checkpoints} from "@openzeppelin/contracts/utils/structs/Checkpoints.sol";
import {TcrFixture} from "./utils/TcrFixture.sol";
import {TcrToken} from "../TcrToken.sol";

/// @title The deposit and voting token: supply, EIP-2612 permit, vote checkpoints, nonces.
contract TcrTokenTest is TcrFixture {
    bytes32 internal constant PERMIT_TYPEHASH =
        keccak256("Permit(address owner,address spender,uint256 value,uint256 nonce,uint256 deadline)");
    bytes32 internal constant DELEGATION_TYPEHASH = keccak256("Delegation(address delegatee,uint256 nonce,uint256 expiry)");
    bytes32 internal constant DOMAIN_TYPEHASH =
        keccak256("EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)");
    uint256 internal constant VOTER_BALANCE = 100_000 * UNIT;
    uint256 internal constant OWNER_KEY = 0xBEEF;
    uint256 internal constant OTHER_KEY = 0xCAFE;
    uint256 internal constant OWNER_BALANCE = 1_000 * UNIT;
    address internal constant FRESH = address(0xF4E5);

    address internal owner;

    function setUp() public override {
        super.setUp();
        owner = vm.addr(OWNER_KEY);
        token.transfer(owner, OWNER_BALANCE);
    }

    // ----- helpers -------------------------------------------------------------------------------------------------

    function typedDigest(bytes32 structHash) internal view returns (bytes32) {
        return keccak256(abi.encodePacked("\x19\x01", token.DOMAIN_SEPARATOR(), structHash));
    }

    function permitDigest(address holder, address spender, uint256 value, uint256 nonce, uint256 deadline)
        internal
        view
        returns (bytes32)
    {
        return typedDigest(keccak256(abi.encode(PERMIT_TYPEHASH, holder, spender, value, nonce, deadline)));
    }

    function delegationDigest(address delegatee, uint256 nonce, uint256 expiry) internal view returns (bytes32) {
        return typedDigest(keccak256(abi.encode(DELEGATION_TYPEHASH, delegatee, nonce, expiry)));
    }

    // ----- constructor ---------------------------------------------------------------------------------------------

    function test_Constructor_FreshToken_MintsWholeSupplyToHolder() public {
        vm.expectEmit(true, true, false, true);
        emit IERC20.Transfer(address(0), alice, 12_345);
        TcrToken fresh = new TcrToken("Name", "SYM", alice, 12_345);
        vm.assertEq(fresh.totalSupply(), 12_345, "supply");
        vm.assertEq(fresh.balanceOf(alice), 12_345, "holder has everything");
        vm.assertEq(fresh.balanceOf(address(this)), 0, "deployer has nothing");
        vm.assertEq(keccak256(bytes(fresh.name())), keccak256("Name"), "name");
        vm.assertEq(keccak256(bytes(fresh.symbol())), keccak256("SYM"), "symbol");
        vm.assertEq(fresh.decimals(), 18, "decimals");
        vm.assertEq(fresh.getVotes(alice), 0, "no votes before delegating");
    }

    function test_Constructor_FixtureToken_SupplySplitAcrossActors() public view {
        vm.assertEq(token.totalSupply(), SUPPLY, "supply");
        uint256 actors = 3 * 10_000 * UNIT + 3 * VOTER_BALANCE + OWNER_BALANCE;
        vm.assertEq(token.balanceOf(address(this)), SUPPLY - actors, "holder keeps the rest");
    }

    function test_Constructor_SupplyAboveUint208_RevertsExceededSafeSupply() public {
        uint256 cap = type(uint208).max;
        vm.expectRevert(abi.encodeWithSelector(ERC20Votes.ERC20ExceededSafeSupply.selector, cap + 1, cap));
        new TcrToken("Name", "SYM", alice, cap + 1);
    }

    function test_Constructor_SupplyUint208Max_Accepted() public {
        TcrToken fresh = new TcrToken("Name", "SYM", alice, type(uint208).max);
        vm.assertEq(fresh.totalSupply(), type(uint208).max, "largest checkpointable supply");
    }

    // ----- EIP-712 domain ------------------------------------------------------------------------------------------

    function test_DomainSeparator_Valid_MatchesEip712OfNameVersionChainAndToken() public view {
        bytes32 expected = keccak256(
            abi.encode(DOMAIN_TYPEHASH, keccak256("Mail Server Token"), keccak256("1"), block.chainid, address(token))
        );
        vm.assertEq(token.DOMAIN_SEPARATOR(), expected, "domain separator");
    }

    function test_DomainSeparator_ChainIdChanged_Recomputed() public {
        bytes32 before = token.DOMAIN_SEPARATOR();
        vm.chainId(block.chainid + 1);
        bytes32 afterChange = token.DOMAIN_SEPARATOR();
        vm.assertTrue(before != afterChange, "binds the chain id");
        vm.assertEq(
            afterChange,
            keccak256(
                abi.encode(
                    DOMAIN_TYPEHASH, keccak256("Mail Server Token"), keccak256("1"), block.chainid, address(token)
                )
            ),
            "uses the new chain id"
        );
    }

    // ----- permit --------------------------------------------------------------------------------------------------

    function test_Permit_ValidSignature_SetsAllowanceBumpsNonceAndAllowsTransferFrom() public {
        uint256 deadline = block.timestamp + 1 hours;
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(OWNER_KEY, permitDigest(owner, bob, 300 * UNIT, 0, deadline));

        vm.expectEmit(true, true, false, true, address(token));
        emit IERC20.Approval(owner, bob, 300 * UNIT);
        vm.prank(carol); // anyone may submit the permit
        token.permit(owner, bob, 300 * UNIT, deadline, v, r, s);

        vm.assertEq(token.allowance(owner, bob), 300 * UNIT, "allowance");
        vm.assertEq(token.nonces(owner), 1, "nonce used");

        uint256 bobBefore = token.balanceOf(bob);
        vm.prank(bob);
        token.transferFrom(owner, bob, 300 * UNIT);
        vm.assertEq(token.balanceOf(owner), OWNER_BALANCE - 300 * UNIT, "owner debited");
        vm.assertEq(token.balanceOf(bob), bobBefore + 300 * UNIT, "spender credited");
        vm.assertEq(token.allowance(owner, bob), 0, "allowance spent");
    }

    function test_Permit_DeadlineNow_Accepted() public {
        uint256 deadline = block.timestamp;
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(OWNER_KEY, permitDigest(owner, bob, 1, 0, deadline));
        token.permit(owner, bob, 1, deadline, v, r, s);
        vm.assertEq(token.allowance(owner, bob), 1, "allowance");
    }

    function test_Permit_Expired_RevertsExpiredSignature() public {
        uint256 deadline = block.timestamp - 1;
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(OWNER_KEY, permitDigest(owner, bob, 1, 0, deadline));
        vm.expectRevert(abi.encodeWithSelector(ERC20Permit.ERC2612ExpiredSignature.selector, deadline));
        token.permit(owner, bob, 1, deadline, v, r, s);
        vm.assertEq(token.allowance(owner, bob), 0, "no allowance");
        vm.assertEq(token.nonces(owner), 0, "nonce unused");
    }

    function test_Permit_WrongSigner_RevertsInvalidSigner() public {
        uint256 deadline = block.timestamp + 1 hours;
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(OTHER_KEY, permitDigest(owner, bob, 1, 0, deadline));
        vm.expectRevert(abi.encodeWithSelector(ERC20Permit.ERC2612InvalidSigner.selector, vm.addr(OTHER_KEY), owner));
        token.permit(owner, bob, 1, deadline, v, r, s);
        vm.assertEq(token.allowance(owner, bob), 0, "no allowance");
    }

    function test_Permit_OtherValueThanSigned_RevertsInvalidSigner() public {
        uint256 deadline = block.timestamp + 1 hours;
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(OWNER_KEY, permitDigest(owner, bob, 1, 0, deadline));
        address recovered = ecrecover(permitDigest(owner, bob, 2, 0, deadline), v, r, s);
        vm.expectRevert(abi.encodeWithSelector(ERC20Permit.ERC2612InvalidSigner.selector, recovered, owner));
        token.permit(owner, bob, 2, deadline, v, r, s);
    }

    function test_Permit_Replayed_RevertsInvalidSigner() public {
        uint256 deadline = block.timestamp + 1 hours;
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(OWNER_KEY, permitDigest(owner, bob, 1, 0, deadline));
        token.permit(owner, bob, 1, deadline, v, r, s);
        // The second time the nonce is 1, so the same signature recovers some unrelated address.
        address recovered = ecrecover(permitDigest(owner, bob, 1, 1, deadline), v, r, s);
        vm.expectRevert(abi.encodeWithSelector(ERC20Permit.ERC2612InvalidSigner.selector, recovered, owner));
        token.permit(owner, bob, 1, deadline, v, r, s);
        vm.assertEq(token.nonces(owner), 1, "used once");
    }

    // ----- nonces and delegateBySig --------------------------------------------------------------------------------

    function test_Nonces_Fresh_Zero() public view {
        vm.assertEq(token.nonces(owner), 0, "owner");
        vm.assertEq(token.nonces(FRESH), 0, "fresh");
    }

    function test_Nonces_PermitThenDelegateBySig_SharedCounter() public {
        uint256 deadline = block.timestamp + 1 hours;
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(OWNER_KEY, permitDigest(owner, bob, 1, 0, deadline));
        token.permit(owner, bob, 1, deadline, v, r, s);
        (v, r, s) = vm.sign(OWNER_KEY, delegationDigest(owner, 1, deadline));
        token.delegateBySig(owner, 1, deadline, v, r, s);
        vm.assertEq(token.nonces(owner), 2, "one counter for both");
        vm.assertEq(token.delegates(owner), owner, "delegated");
    }

    function test_DelegateBySig_Valid_DelegatesVotes() public {
        uint256 expiry = block.timestamp + 1 hours;
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(OWNER_KEY, delegationDigest(owner, 0, expiry));
        vm.expectEmit(true, true, true, false, address(token));
        emit IVotes.DelegateChanged(owner, address(0), owner);
        vm.prank(carol);
        token.delegateBySig(owner, 0, expiry, v, r, s);
        vm.assertEq(token.delegates(owner), owner, "delegate");
        vm.assertEq(token.getVotes(owner), OWNER_BALANCE, "votes");
        vm.assertEq(token.nonces(owner), 1, "nonce used");
    }

    function test_DelegateBySig_Expired_RevertsExpiredSignature() public {
        uint256 expiry = block.timestamp - 1;
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(OWNER_KEY, delegationDigest(owner, 0, expiry));
        vm.expectRevert(abi.encodeWithSelector(IVotes.VotesExpiredSignature.selector, expiry));
        token.delegateBySig(owner, 0, expiry, v, r, s);
        vm.assertEq(token.delegates(owner), address(0), "not delegated");
    }

    function test_DelegateBySig_FutureNonce_RevertsInvalidAccountNonce() public {
        uint256 expiry = block.timestamp + 1 hours;
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(OWNER_KEY, delegationDigest(owner, 1, expiry));
        vm.expectRevert(abi.encodeWithSelector(Nonces.InvalidAccountNonce.selector, owner, 0));
        token.delegateBySig(owner, 1, expiry, v, r, s);
        vm.assertEq(token.nonces(owner), 0, "nonce unused");
    }

    // ----- votes and checkpoints -----------------------------------------------------------------------------------

    function test_Clock_BlockNumberMode() public view {
        vm.assertEq(token.clock(), block.number, "clock is the block number");
        vm.assertEq(keccak256(bytes(token.CLOCK_MODE())), keccak256("mode=blocknumber&from=default"), "mode");
    }

    function test_GetVotes_UndelegatedHolder_Zero() public {
        token.transfer(FRESH, 500 * UNIT);
        vm.assertEq(token.balanceOf(FRESH), 500 * UNIT, "balance");
        vm.assertEq(token.delegates(FRESH), address(0), "no delegate");
        vm.assertEq(token.getVotes(FRESH), 0, "balance alone gives no votes");
    }

    function test_Delegate_Self_VotesEqualBalanceAndEmits() public {
        token.transfer(FRESH, 500 * UNIT);
        vm.expectEmit(true, false, false, true, address(token));
        emit IVotes.DelegateVotesChanged(FRESH, 0, 500 * UNIT);
        vm.prank(FRESH);
        token.delegate(FRESH);
        vm.assertEq(token.getVotes(FRESH), 500 * UNIT, "votes");
    }

    function test_Delegate_ToOther_MovesVotes() public {
        vm.prank(voter1);
        token.delegate(voter2);
        vm.assertEq(token.getVotes(voter1), 0, "voter1 gave its votes away");
        vm.assertEq(token.getVotes(voter2), 2 * VOTER_BALANCE, "voter2 holds both");
        vm.assertEq(token.balanceOf(voter1), VOTER_BALANCE, "balance unchanged");
    }

    function test_GetPastVotes_BlockBeforeTransfer_ReturnsOldWeight() public {
        uint256 transferBlock = block.number;
        vm.prank(voter1);
        token.transfer(voter2, 40_000 * UNIT);
        vm.roll(transferBlock + 1);

        vm.assertEq(token.getPastVotes(voter1, transferBlock - 1), VOTER_BALANCE, "voter1 before");
        vm.assertEq(token.getPastVotes(voter2, transferBlock - 1), VOTER_BALANCE, "voter2 before");
        vm.assertEq(token.getPastVotes(voter1, transferBlock), 60_000 * UNIT, "voter1 after");
        vm.assertEq(token.getPastVotes(voter2, transferBlock), 140_000 * UNIT, "voter2 after");
        vm.assertEq(token.getVotes(voter1), 60_000 * UNIT, "voter1 now");
        vm.assertEq(token.getPastTotalSupply(transferBlock - 1), SUPPLY, "supply before");
        vm.assertEq(token.getPastTotalSupply(transferBlock), SUPPLY, "supply conserved");
    }

    function test_GetPastVotes_BeforeDelegation_Zero() public {
        token.transfer(FRESH, 500 * UNIT);
        uint256 delegationBlock = block.number;
        vm.prank(FRESH);
        token.delegate(FRESH);
        vm.roll(delegationBlock + 1);
        vm.assertEq(token.getPastVotes(FRESH, delegationBlock - 1), 0, "before delegating");
        vm.assertEq(token.getPastVotes(FRESH, delegationBlock), 500 * UNIT, "from the delegation block");
    }

    function test_Checkpoints_AfterTransfer_RecordsBlockAndWeight() public {
        uint32 before = token.numCheckpoints(voter1);
        uint256 transferBlock = block.number;
        vm.prank(voter1);
        token.transfer(voter2, 40_000 * UNIT);
        vm.assertEq(token.numCheckpoints(voter1), before + 1, "one new checkpoint");
        Checkpoints.Checkpoint208 memory latest = token.checkpoints(voter1, before);
        vm.assertEq(latest._key, transferBlock, "key is the block");
        vm.assertEq(latest._value, 60_000 * UNIT, "value is the new weight");
    }

    function test_Checkpoints_TwoTransfersInOneBlock_OneCheckpoint() public {
        uint32 before = token.numCheckpoints(voter1);
        vm.startPrank(voter1);
        token.transfer(voter2, 10_000 * UNIT);
        token.transfer(voter2, 10_000 * UNIT);
        vm.stopPrank();
        vm.assertEq(token.numCheckpoints(voter1), before + 1, "same block, same checkpoint");
        vm.assertEq(token.checkpoints(voter1, before)._value, 80_000 * UNIT, "latest weight");
    }

    function test_GetPastVotes_CurrentBlock_RevertsFutureLookup() public {
        vm.expectRevert(abi.encodeWithSelector(Votes.ERC5805FutureLookup.selector, block.number, uint48(block.number)));
        token.getPastVotes(voter1, block.number);
    }

    function test_GetPastTotalSupply_CurrentBlock_RevertsFutureLookup() public {
        vm.expectRevert(abi.encodeWithSelector(Votes.ERC5805FutureLookup.selector, block.number, uint48(block.number)));
        token.getPastTotalSupply(block.number);
    }

    // ----- transfers -----------------------------------------------------------------------------------------------

    function test_Transfer_MoreThanBalance_RevertsInsufficientBalance() public {
        vm.expectRevert(
            abi.encodeWithSelector(
                IERC20Errors.ERC20InsufficientBalance.selector, owner, OWNER_BALANCE, OWNER_BALANCE + 1
            )
        );
        vm.prank(owner);
        token.transfer(bob, OWNER_BALANCE + 1);
    }

    function test_Transfer_ToZeroAddress_RevertsInvalidReceiver() public {
        vm.expectRevert(abi.encodeWithSelector(IERC20Errors.ERC20InvalidReceiver.selector, address(0)));
        vm.prank(owner);
        token.transfer(address(0), 1);
    }

    function testFuzz_Transfer_AnyAmount_VotesFollowDelegatedBalances(uint256 amount) public {
        amount = amount % (VOTER_BALANCE + 1);
        uint256 supplyBefore = token.totalSupply();
        vm.prank(voter1);
        token.transfer(voter2, amount);
        vm.assertEq(token.getVotes(voter1), VOTER_BALANCE - amount, "sender votes");
        vm.assertEq(token.getVotes(voter2), VOTER_BALANCE + amount, "receiver votes");
        vm.assertEq(token.totalSupply(), supplyBefore, "supply conserved");
    }
}
