import { Body, HttpCode, Inject, Post, Req, UsePipes } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { SIMPLE_JWT, type ResolvedSettings } from '../auth.settings.js';
import { TokenResponses, TokenRole } from '../cookies/token-responses.js';
import { clientInfo, type RequestWithClient } from '../authentication/client-info.js';
import { SkipAuthentication } from '../authentication/skip-authentication.decorator.js';
import { Public } from '../permissions/permissions.decorator.js';
import { ThrottleScope } from '../throttling/throttle-scope.decorator.js';
import { DrfValidationPipe } from '../validation/drf-validation.pipe.js';
import {
  DetailResponse,
  EmptyResponse,
  SlidingTokenRefreshRequest,
  SlidingTokenResponse,
  TokenBlacklistRequest,
  TokenObtainPairRequest,
  TokenPairResponse,
  TokenRefreshRequest,
  TokenRefreshResponse,
  TokenVerifyRequest,
} from './token.dto.js';
import { TokenIssuer } from './token-issuer.service.js';

/**
 * SimpleJWT's token views. The module mounts it at its `path` option (default `api/token`);
 * every route is public and, as in SimpleJWT (`authentication_classes = ()`), ignores the
 * Authorization header: a stale access token sent along cannot block a refresh.
 */
@ApiTags('token')
@SkipAuthentication()
@Public()
@ThrottleScope('token')
@UsePipes(DrfValidationPipe)
@ApiUnauthorizedResponse({ type: DetailResponse, description: 'Bad credentials or an unusable token' })
@ApiBadRequestResponse({ description: 'Field errors, e.g. {"username": ["This field is required."]}' })
export class TokenController {
  constructor(
    protected readonly issuer: TokenIssuer,
    @Inject(SIMPLE_JWT) protected readonly settings: ResolvedSettings,
  ) {}

  /** No-store answers; in cookie mode, the cookies. */
  @Inject(TokenResponses) protected readonly responses!: TokenResponses;

  @Post('/')
  @HttpCode(200)
  @ApiOperation({ summary: 'Obtain a refresh and an access token (log in)' })
  @ApiOkResponse({ type: TokenPairResponse })
  @TokenRole('obtain')
  obtainPair(@Body() body: TokenObtainPairRequest, @Req() request: RequestWithClient): Promise<TokenPairResponse> {
    return this.responses.answer(request, this.issuer.obtainPair(body.username, body.password, clientInfo(request, this.settings.NUM_PROXIES)));
  }

  @Post('refresh/')
  @HttpCode(200)
  @ApiOperation({ summary: 'A new access token (and, with rotation, a new refresh token)' })
  @ApiOkResponse({ type: TokenRefreshResponse })
  @TokenRole('refresh')
  refresh(@Body() body: TokenRefreshRequest, @Req() request: RequestWithClient): Promise<TokenRefreshResponse> {
    return this.responses.answer(request, this.issuer.refresh(body.refresh, clientInfo(request, this.settings.NUM_PROXIES)));
  }

  @Post('verify/')
  @HttpCode(200)
  @ApiOperation({ summary: 'Check that a token is valid and not blacklisted' })
  @ApiOkResponse({ type: EmptyResponse })
  verify(@Body() body: TokenVerifyRequest): Promise<EmptyResponse> {
    return this.issuer.verify(body.token);
  }

  @Post('blacklist/')
  @HttpCode(200)
  @ApiOperation({ summary: 'Log out: end the session of a refresh token (its access tokens stop working at once)' })
  @ApiOkResponse({ type: EmptyResponse })
  @TokenRole('logout')
  blacklist(@Body() body: TokenBlacklistRequest, @Req() request: RequestWithClient): Promise<EmptyResponse> {
    return this.responses.answer(request, this.issuer.blacklistToken(body.refresh, clientInfo(request, this.settings.NUM_PROXIES)));
  }
}

/** SimpleJWT's sliding-token views; mounted only with the `slidingTokens` option. */
@ApiTags('token')
@SkipAuthentication()
@Public()
@ThrottleScope('token')
@UsePipes(DrfValidationPipe)
@ApiUnauthorizedResponse({ type: DetailResponse })
export class SlidingTokenController {
  constructor(
    protected readonly issuer: TokenIssuer,
    @Inject(SIMPLE_JWT) protected readonly settings: ResolvedSettings,
  ) {}

  @Post('sliding/')
  @HttpCode(200)
  @ApiOperation({ summary: 'Obtain a sliding token (bearer and refresh token in one)' })
  @ApiOkResponse({ type: SlidingTokenResponse })
  obtain(@Body() body: TokenObtainPairRequest, @Req() request: RequestWithClient): Promise<SlidingTokenResponse> {
    return this.issuer.obtainSliding(body.username, body.password, clientInfo(request, this.settings.NUM_PROXIES));
  }

  @Post('sliding/refresh/')
  @HttpCode(200)
  @ApiOperation({ summary: 'Extend a sliding token, until its refresh_exp' })
  @ApiOkResponse({ type: SlidingTokenResponse })
  refresh(@Body() body: SlidingTokenRefreshRequest, @Req() request: RequestWithClient): Promise<SlidingTokenResponse> {
    return this.issuer.refreshSliding(body.token, clientInfo(request, this.settings.NUM_PROXIES));
  }
}
